//! `hipaa-aws controls`: the catalog as a table or JSON, filtered by citation or service.

use serde_json::json;

use crate::audit::NOT_EXCEPTABLE;
use crate::controls::{format_citations, Citation, ControlId};

use super::args::ControlsArgs;
use super::console::Console;
use super::{EXIT_FAILED, EXIT_OK};

fn service_matches(id: ControlId, wanted: &str) -> bool {
    wanted
        .parse::<crate::controls::Service>()
        .is_ok_and(|service| id.control().service == service)
}

fn citation_matches(id: ControlId, wanted: &str) -> bool {
    let wanted = wanted.trim().trim_start_matches("45 CFR ").trim();
    match Citation::parse(wanted) {
        Some(exact) => id.citations().contains(&exact),
        None => id
            .citations()
            .iter()
            .any(|c| c.paragraph().starts_with(wanted)),
    }
}

/// The controls the filters select, in catalog order.
pub(crate) fn selected(args: &ControlsArgs) -> Vec<ControlId> {
    ControlId::ALL
        .iter()
        .copied()
        .filter(|id| {
            args.citation
                .as_deref()
                .is_none_or(|c| citation_matches(*id, c))
        })
        .filter(|id| {
            args.service
                .as_deref()
                .is_none_or(|s| service_matches(*id, s))
        })
        .collect()
}

fn row(id: ControlId) -> [String; 6] {
    let control = id.control();
    [
        control.code.to_string(),
        control.service.to_string(),
        format_citations(control.citations),
        control.cdk_nag_rule.unwrap_or("-").to_string(),
        control.config_rule.unwrap_or("-").to_string(),
        control.title.to_string(),
    ]
}

/// Runs `controls`; returns the exit code.
pub(super) fn run(args: &ControlsArgs, console: &Console) -> u8 {
    let controls = selected(args);
    if controls.is_empty() {
        console.err(&format!(
            "error: no control matches{}{} (services: ec2, ebs, s3, kms, iam, rds, cloudtrail, cloudwatch, config, securityhub, guardduty, account)",
            args.citation.as_deref().map(|c| format!(" citation {c:?}")).unwrap_or_default(),
            args.service.as_deref().map(|s| format!(" service {s:?}")).unwrap_or_default(),
        ));
        return EXIT_FAILED;
    }
    if args.json {
        let list: Vec<serde_json::Value> = controls
            .iter()
            .map(|id| {
                let control = id.control();
                json!({
                    "id": control.code,
                    "title": control.title,
                    "service": control.service.to_string(),
                    "citations": control.citations.iter().map(|c| c.paragraph()).collect::<Vec<_>>(),
                    "cdk_nag_rule": control.cdk_nag_rule,
                    "config_rule": control.config_rule,
                    "config_rule_removed": control.config_rule_removed,
                    "enforced": id.enforcement(),
                    "exceptable": !NOT_EXCEPTABLE.contains(id),
                })
            })
            .collect();
        match serde_json::to_string_pretty(&list) {
            Ok(text) => console.out(&text),
            Err(error) => {
                console.err(&format!("error: cannot serialize the controls: {error}"));
                return EXIT_FAILED;
            }
        }
        return EXIT_OK;
    }
    let header = [
        "ID",
        "SERVICE",
        "CITATIONS",
        "CDK-NAG",
        "CONFIG RULE",
        "TITLE / ENFORCED",
    ];
    let rows: Vec<[String; 6]> = controls.iter().map(|id| row(*id)).collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row.iter()) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 6]| {
        let mut text = String::new();
        for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if index + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<width$}  "));
            }
        }
        text.trim_end().to_string()
    };
    console.out(&line(header));
    for (id, row) in controls.iter().zip(&rows) {
        console.out(&line([
            &row[0], &row[1], &row[2], &row[3], &row[4], &row[5],
        ]));
        console.out(&line([
            "",
            "",
            "",
            "",
            "",
            &format!("enforced: {}", id.enforcement()),
        ]));
    }
    console.out(&format!("{} control(s)", controls.len()));
    EXIT_OK
}
