//! The HTML audit report: one self-contained file (inline style, SVG and script; no network,
//! no external asset) with the accounts and regions, the counts, a bar chart per HIPAA
//! citation and per service, the findings filterable by status, control and service, and the
//! exceptions.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::audit::{AuditReport, ExceptionState, Finding};
use crate::controls::Status;

/// Escapes text for HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The status as the filters name it.
fn status_key(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Error => "error",
        Status::NotApplicable => "not_applicable",
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}\
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #ccc;padding:.3rem;vertical-align:top;text-align:left}\
.pass{color:#1a7f37}.fail{color:#cf222e}.error{color:#9a6700}.excepted{color:#6639ba}\
.counts span{display:inline-block;margin-right:1.5rem;font-size:1.2rem}\
code{font-size:.85rem;word-break:break-all}svg text{font-size:11px}";

// The filters also live in the page's fragment (`report.html#status=fail&service=S3`), so a
// filtered view is a link that can be shared, and opening it applies the filters.
const SCRIPT: &str = "(function(){\
var s=document.getElementById('filter-status'),c=document.getElementById('filter-control'),v=document.getElementById('filter-service');\
var keys=[['status',s],['control',c],['service',v]];\
function apply(){var n=0;document.querySelectorAll('#findings tbody tr').forEach(function(r){\
var st=s.value,ok=(st===''||(st==='excepted'?r.dataset.excepted==='true':r.dataset.status===st))\
&&(c.value===''||r.dataset.control===c.value)&&(v.value===''||r.dataset.service===v.value);\
r.hidden=!ok;if(ok){n++;}});document.getElementById('shown-count').textContent=String(n);}\
function fromFragment(){var p=new URLSearchParams(location.hash.slice(1));\
keys.forEach(function(k){k[1].value=p.get(k[0])||'';if(k[1].selectedIndex<0){k[1].value='';}});apply();}\
function changed(){var p=new URLSearchParams();keys.forEach(function(k){if(k[1].value){p.set(k[0],k[1].value);}});\
try{history.replaceState(null,'','#'+p.toString());}catch(e){}apply();}\
keys.forEach(function(k){k[1].addEventListener('change',changed);});\
window.addEventListener('hashchange',fromFragment);fromFragment();})();";

/// One bar chart: a row per label, bars for pass, fail and error counts side by side.
fn bar_chart(out: &mut String, id: &str, title: &str, rows: &BTreeMap<String, [usize; 3]>) {
    let most = rows
        .values()
        .flat_map(|counts| counts.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let row_height = 18_usize;
    let label_width = 190_usize;
    let bar_room = 360_usize;
    let height = rows.len().saturating_mul(row_height * 3 + 6) + 20;
    let _ = writeln!(
        out,
        "<h3>{}</h3>\n<svg id=\"{id}\" role=\"img\" aria-label=\"{}\" width=\"{}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(title),
        esc(title),
        label_width + bar_room + 60
    );
    let mut y = 10_usize;
    for (label, counts) in rows {
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"{}\">{}</text>",
            y + row_height,
            esc(label)
        );
        for (index, (count, class)) in counts.iter().zip(["pass", "fail", "error"]).enumerate() {
            let width = count.saturating_mul(bar_room) / most;
            let colour = match class {
                "pass" => "#1a7f37",
                "fail" => "#cf222e",
                _ => "#bf8700",
            };
            let top = y + index * row_height;
            let _ = writeln!(
                out,
                "<rect class=\"bar {class}\" data-label=\"{}\" data-count=\"{count}\" x=\"{label_width}\" y=\"{top}\" width=\"{width}\" height=\"{}\" fill=\"{colour}\"><title>{} {class}: {count}</title></rect><text x=\"{}\" y=\"{}\">{count}</text>",
                esc(label),
                row_height - 4,
                esc(label),
                label_width + width + 4,
                top + row_height - 6
            );
        }
        y += row_height * 3 + 6;
    }
    let _ = writeln!(out, "</svg>");
}

fn tally(rows: &mut BTreeMap<String, [usize; 3]>, label: String, status: Status) {
    let counts = rows.entry(label).or_default();
    let slot = match status {
        Status::Pass => counts.get_mut(0),
        Status::Fail => counts.get_mut(1),
        Status::Error => counts.get_mut(2),
        Status::NotApplicable => None,
    };
    if let Some(slot) = slot {
        *slot += 1;
    }
}

fn finding_row(out: &mut String, finding: &Finding) {
    let service = finding.control.control().service.to_string();
    let key = status_key(finding.status);
    let details = if finding.details.is_empty() {
        String::new()
    } else {
        let items: String = finding
            .details
            .iter()
            .map(|item| format!("<li>{}</li>", esc(item)))
            .collect();
        format!(
            "<details class=\"details\"><summary>{} details</summary><ul>{items}</ul></details>",
            finding.details.len()
        )
    };
    let exception = match &finding.exception {
        Some(e) => format!(
            "<span class=\"excepted\">excepted (entry {}) until {}</span>: {} <em>({})</em>",
            e.entry,
            esc(&e.expires),
            esc(&e.reason),
            esc(&e.owner)
        ),
        None if finding.known => "known from the baseline".to_string(),
        None => String::new(),
    };
    let remediation = if matches!(finding.status, Status::Fail | Status::Error) {
        esc(&finding.remediation)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "<tr data-status=\"{key}\" data-control=\"{}\" data-service=\"{}\" data-excepted=\"{}\" data-known=\"{}\"><td class=\"{key}\">{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td><td class=\"reason\">{}{details}</td><td>{remediation}</td><td class=\"exception\">{exception}</td></tr>",
        esc(finding.control.as_str()),
        esc(&service),
        finding.exception.is_some(),
        finding.known,
        finding.status,
        esc(finding.control.as_str()),
        esc(&service),
        esc(&finding.account_id),
        esc(&finding.region),
        esc(&finding.resource_arn),
        esc(&finding.setting),
        esc(&finding.reason),
    );
}

fn options(values: &BTreeSet<String>) -> String {
    values
        .iter()
        .map(|value| format!("<option value=\"{}\">{}</option>", esc(value), esc(value)))
        .collect()
}

fn exceptions_section(out: &mut String, report: &AuditReport) {
    let _ = writeln!(
        out,
        "<section id=\"exceptions\"><h2>Exceptions (accepted risks)</h2>"
    );
    let Some(summary) = &report.exceptions else {
        let _ = writeln!(out, "<p>No exceptions file was given.</p></section>");
        return;
    };
    let _ = writeln!(
        out,
        "<p>From <code>{}</code>, judged on {}. An excepted finding keeps its status.</p>",
        esc(&summary.origin),
        esc(&summary.judged_on)
    );
    let _ = writeln!(out, "<table id=\"exception-entries\"><thead><tr><th>Entry</th><th>State</th><th>Control</th><th>Resource</th><th>Findings</th><th>Reason</th><th>Owner</th><th>Expires</th></tr></thead><tbody>");
    for entry in &summary.entries {
        let state = match entry.state {
            ExceptionState::Applied => "applied",
            ExceptionState::Expired => "expired",
            ExceptionState::Stale => "stale",
        };
        let _ = writeln!(
            out,
            "<tr data-state=\"{state}\"><td>{}</td><td>{state}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            entry.entry,
            esc(&entry.control),
            esc(entry.resource.as_deref().unwrap_or("(any)")),
            entry.findings,
            esc(&entry.reason),
            esc(&entry.owner),
            esc(&entry.expires)
        );
    }
    let _ = writeln!(out, "</tbody></table></section>");
}

/// The HTML report of an audit, as one self-contained page.
pub fn audit_html(report: &AuditReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>HIPAA audit {}</title><style>{STYLE}</style></head><body>",
        esc(&report.generated_at)
    );
    let _ = writeln!(out, "<h1>HIPAA Security Rule audit</h1>");
    let regions: BTreeSet<&str> = report
        .accounts
        .iter()
        .flat_map(|a| a.regions.iter().map(String::as_str))
        .collect();
    let _ = writeln!(
        out,
        "<p>{} by {} (report schema {}).</p>",
        esc(&report.generated_at),
        esc(&report.generator),
        esc(&report.schema_version)
    );
    let _ = writeln!(out, "<ul id=\"accounts\">");
    for account in &report.accounts {
        let name = account
            .name
            .as_deref()
            .map(|n| format!(" ({})", esc(n)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<li class=\"account\" data-account=\"{}\"><code>{}</code>{name}: {} resources, regions {}</li>",
            esc(&account.account_id),
            esc(&account.account_id),
            account.resources,
            esc(&account.regions.join(", "))
        );
        for error in &account.errors {
            let _ = writeln!(
                out,
                "<li class=\"account-error error\">could not be fully audited: {}</li>",
                esc(error)
            );
        }
    }
    let _ = writeln!(
        out,
        "</ul>\n<p id=\"regions\">Regions: {}</p>",
        esc(&regions.into_iter().collect::<Vec<_>>().join(", "))
    );
    let counts = [
        ("pass", report.count(Status::Pass)),
        ("fail", report.count(Status::Fail)),
        ("error", report.count(Status::Error)),
        ("excepted", report.excepted()),
        ("known", report.known()),
        ("not_applicable", report.count(Status::NotApplicable)),
        ("counted", report.counted().count()),
    ];
    let _ = write!(out, "<p class=\"counts\">");
    for (name, count) in counts {
        let _ = write!(
            out,
            "<span class=\"{name}\">{}: <strong id=\"count-{name}\" data-count=\"{count}\">{count}</strong></span>",
            name.replace('_', " ")
        );
    }
    let _ = writeln!(out, "</p>");
    let mut citations = BTreeMap::new();
    let mut services = BTreeMap::new();
    for finding in report.findings() {
        for citation in &finding.citations {
            tally(&mut citations, citation.to_string(), finding.status);
        }
        tally(
            &mut services,
            finding.control.control().service.to_string(),
            finding.status,
        );
    }
    let _ = writeln!(
        out,
        "<section id=\"charts\"><h2>By HIPAA citation and by service</h2>"
    );
    bar_chart(
        &mut out,
        "chart-citations",
        "Findings per HIPAA citation (pass, fail, error)",
        &citations,
    );
    bar_chart(
        &mut out,
        "chart-services",
        "Findings per service (pass, fail, error)",
        &services,
    );
    let _ = writeln!(out, "</section>");
    let controls: BTreeSet<String> = report
        .findings()
        .map(|f| f.control.as_str().to_string())
        .collect();
    let service_names: BTreeSet<String> = report
        .findings()
        .map(|f| f.control.control().service.to_string())
        .collect();
    let _ = writeln!(
        out,
        "<section id=\"findings-section\"><h2>Findings (<span id=\"shown-count\">{}</span> shown)</h2>\n<p><label>Status <select id=\"filter-status\"><option value=\"\">all</option><option value=\"fail\">fail</option><option value=\"error\">error</option><option value=\"pass\">pass</option><option value=\"not_applicable\">not applicable</option><option value=\"excepted\">excepted</option></select></label> <label>Control <select id=\"filter-control\"><option value=\"\">all</option>{}</select></label> <label>Service <select id=\"filter-service\"><option value=\"\">all</option>{}</select></label></p>",
        report.findings().count(),
        options(&controls),
        options(&service_names)
    );
    let _ = writeln!(out, "<table id=\"findings\"><thead><tr><th>Status</th><th>Control</th><th>Service</th><th>Account</th><th>Region</th><th>Resource</th><th>Setting</th><th>Reason</th><th>Remediation</th><th>Exception</th></tr></thead><tbody>");
    for finding in report.findings() {
        finding_row(&mut out, finding);
    }
    let _ = writeln!(out, "</tbody></table></section>");
    exceptions_section(&mut out, report);
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body></html>");
    out
}
