//! The controls as Markdown, generated from the catalog: the README's controls table and the
//! repository's `CONTROLS.md`. A unit test fails when either file is out of date, and rewrites
//! both when `HIPAA_AWS_BLESS_DOCS=1` is set.

use std::fmt::Write as _;

use super::coverage::NOT_JUDGED;
use super::{CitationSource, Control, ControlId, Service};

/// The line before the generated table in `README.md`.
pub const README_TABLE_BEGIN: &str =
    "<!-- controls table: generated from the catalog by `controls_table_markdown`; do not edit -->";
/// The line after the generated table in `README.md`.
pub const README_TABLE_END: &str = "<!-- end of controls table -->";

/// The services in the order the documents list them.
const SERVICE_ORDER: [Service; 13] = [
    Service::S3,
    Service::Kms,
    Service::Ec2,
    Service::Ebs,
    Service::Iam,
    Service::CloudWatch,
    Service::CloudTrail,
    Service::Config,
    Service::SecurityHub,
    Service::GuardDuty,
    Service::Rds,
    Service::Backup,
    Service::Account,
];

/// The README's table: one row per control of [`ControlId::ALL`], grouped by service.
pub fn controls_table_markdown() -> String {
    let mut table = String::from("| Control | cdk-nag / AWS Config | How | HIPAA (45 CFR) |\n");
    table.push_str("|---|---|---|---|\n");
    for control in controls_in_document_order() {
        // Writing to a String cannot fail.
        let _ = writeln!(
            table,
            "| `{}` | {} | {} | {} |",
            control.code,
            rule_ids(control),
            control.id.enforcement(),
            citations_with_source(control),
        );
    }
    table
}

/// The whole `CONTROLS.md` of the repository: per service, each control with its title,
/// rule ids, citations (with the standard's name) and where it is enforced.
pub fn controls_catalog_markdown() -> String {
    let mut doc = String::from(
        "# Controls\n\n\
         Generated from the catalog (`hipaa_aws::controls::ControlId::ALL`) by \
         `hipaa_aws::controls::controls_catalog_markdown`; do not edit by hand. Ids are the AWS \
         Config rule identifier when one exists, else the cdk-nag rule id, else this library's own \
         `HIPAA_AWS_` id. Citations marked (†) come from cdk-nag's list of HIPAA rules it does not \
         implement; (m) is this library's own mapping where no rule set states one.\n",
    );
    let controls = controls_in_document_order();
    for service in SERVICE_ORDER {
        let of_service: Vec<&Control> = controls
            .iter()
            .copied()
            .filter(|c| c.service == service)
            .collect();
        if of_service.is_empty() {
            continue;
        }
        let _ = write!(doc, "\n## {service}\n");
        for control in of_service {
            let _ = write!(doc, "\n### `{}`\n\n{}\n\n", control.code, control.title);
            let _ = writeln!(doc, "- cdk-nag / AWS Config: {}", rule_ids(control));
            let _ = writeln!(doc, "- How: {}", control.id.enforcement());
            if let Some((_, reason)) = NOT_JUDGED.iter().find(|(id, _)| *id == control.id) {
                let _ = writeln!(doc, "- Not judged by the library: {reason}");
            }
            let _ = writeln!(doc, "- HIPAA (45 CFR):{}", citation_source_note(control));
            for citation in control.citations {
                let _ = writeln!(doc, "  - {} {}", citation.paragraph(), citation.title());
            }
        }
    }
    doc
}

/// Replaces the generated table between the markers of `readme`; `None` when a marker is missing.
pub fn readme_with_controls_table(readme: &str) -> Option<String> {
    let begin = readme.find(README_TABLE_BEGIN)? + README_TABLE_BEGIN.len();
    let end = begin + readme[begin..].find(README_TABLE_END)?;
    Some(format!(
        "{}\n{}{}",
        &readme[..begin],
        controls_table_markdown(),
        &readme[end..]
    ))
}

fn controls_in_document_order() -> Vec<&'static Control> {
    let mut controls: Vec<&'static Control> = Vec::with_capacity(ControlId::ALL.len());
    for service in SERVICE_ORDER {
        controls.extend(
            ControlId::ALL
                .iter()
                .map(|id| id.control())
                .filter(|c| c.service == service),
        );
    }
    // A service added to the enum but not to SERVICE_ORDER still gets its rows, last.
    controls.extend(
        ControlId::ALL
            .iter()
            .map(|id| id.control())
            .filter(|c| !SERVICE_ORDER.contains(&c.service)),
    );
    controls
}

fn rule_ids(control: &Control) -> String {
    let cdk_nag = control
        .cdk_nag_rule
        .map(|rule| rule.trim_start_matches("HIPAA.Security-").to_string());
    let config = match (control.config_rule, control.config_rule_removed) {
        (_, Some(removed)) => Some(format!("(removed {removed})")),
        (Some(rule), None) => Some(rule.to_string()),
        (None, None) => None,
    };
    match (cdk_nag, config) {
        (None, None) => "—".to_string(),
        (cdk_nag, config) => format!(
            "{} / {}",
            cdk_nag.as_deref().unwrap_or("—"),
            config.as_deref().unwrap_or("—")
        ),
    }
}

fn citations_with_source(control: &Control) -> String {
    let paragraphs: Vec<&str> = control.citations.iter().map(|c| c.paragraph()).collect();
    format!("{}{}", paragraphs.join(", "), citation_source_note(control))
}

fn citation_source_note(control: &Control) -> &'static str {
    match control.citation_source {
        CitationSource::RuleSets => "",
        CitationSource::CdkNagExcludedList => " (†)",
        CitationSource::HipaaAwsMapping => " (m)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repository_file(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
    }

    fn bless() -> bool {
        std::env::var_os("HIPAA_AWS_BLESS_DOCS").is_some_and(|v| v == "1")
    }

    #[test]
    fn the_table_has_one_row_per_control_and_no_cell_breaks_the_table() {
        let table = controls_table_markdown();
        let rows: Vec<&str> = table.lines().skip(2).collect();
        assert_eq!(rows.len(), ControlId::ALL.len());
        for id in ControlId::ALL {
            assert!(
                rows.iter()
                    .any(|row| row.starts_with(&format!("| `{}` |", id.as_str()))),
                "{id} has no row"
            );
            assert!(
                !id.enforcement().contains('|'),
                "{id}: '|' breaks the table"
            );
            assert!(!id.enforcement().is_empty(), "{id}: empty enforcement");
        }
    }

    #[test]
    fn controls_judged_by_nothing_do_not_claim_a_path_that_judges_them() {
        for (id, _) in NOT_JUDGED {
            let how = id.enforcement();
            for path in ["verify", "audit", "build", "compile time"] {
                assert!(
                    !how.contains(path),
                    "{id} is judged by nothing, yet says {how:?}"
                );
            }
        }
    }

    #[test]
    fn the_readme_controls_table_is_generated_from_the_catalog() {
        let path = repository_file("README.md");
        let mut readme = std::fs::read_to_string(&path).expect("README.md is readable");
        let generated =
            readme_with_controls_table(&readme).expect("README.md has the table markers");
        if bless() {
            std::fs::write(&path, &generated).expect("README.md is writable");
            readme = std::fs::read_to_string(&path).expect("README.md is readable");
        }
        assert!(
            readme == generated,
            "README.md's controls table is out of date: run \
             `HIPAA_AWS_BLESS_DOCS=1 cargo test --lib controls::docs` and commit the result"
        );
    }

    #[test]
    fn controls_md_is_generated_from_the_catalog() {
        let path = repository_file("CONTROLS.md");
        let generated = controls_catalog_markdown();
        if bless() {
            std::fs::write(&path, &generated).expect("CONTROLS.md is writable");
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == generated,
            "CONTROLS.md is out of date: run \
             `HIPAA_AWS_BLESS_DOCS=1 cargo test --lib controls::docs` and commit the result"
        );
    }
}
