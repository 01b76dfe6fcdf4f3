//! The conformance table: every control of `ControlId::ALL` that the library judges has at
//! least one compliant and one non-compliant case, and every control that judges an address
//! range, a selector, a lifecycle rule or a number has its boundary cases (just inside, just
//! outside). Each case names the path that judged it: the evaluator on a state (the
//! build-time/desired path), `build()` refusal, verify of a library resource changed behind
//! the library's back, or the account audit of resources made by direct SDK calls.
//!
//! The live cases of a service family are made in one account and judged by one audit run
//! (and one verify), then asserted case by case. `conformance_table` runs every family and
//! prints the case counts per family (`cargo test --test suite conformance:: -- --nocapture`).
//!
//! Controls judged by nothing in the library are listed with the reason in
//! `hipaa_aws::controls::coverage::NOT_JUDGED`; the table asserts that no path emits them.

mod account;
mod backup;
mod cloudtrail;
mod cloudwatch;
mod config;
mod ec2;
mod guardduty;
mod iam;
mod kms;
mod live;
mod logs;
mod organizations;
mod rds;
mod s3;
mod securityhub;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use hipaa_aws::controls::coverage::{evaluator, evaluators, NOT_JUDGED};
use hipaa_aws::{Check, ControlId, Status};

/// The path that judged a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Path {
    /// An evaluator function on a state (the build-time/desired path), by its coverage name.
    Evaluator(&'static str),
    /// `build()` of a construct: refused (FAIL) or accepted (PASS).
    Build,
    /// Verify of a stack whose resource was changed behind the library's back.
    Verify,
    /// The account audit of resources made by direct SDK calls.
    Audit,
    /// `apply` of a changed stack (refused, or applied).
    Apply,
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Evaluator(name) => write!(f, "{name}"),
            Path::Build => f.write_str("build()"),
            Path::Verify => f.write_str("verify"),
            Path::Audit => f.write_str("audit"),
            Path::Apply => f.write_str("apply"),
        }
    }
}

/// One row of the table: what a path said about one control on one resource or spec.
#[derive(Debug, Clone)]
pub struct Case {
    /// The service family (s3, kms, ...).
    pub family: &'static str,
    /// What the case is, in a few words.
    pub name: String,
    /// The control judged.
    pub control: ControlId,
    /// The verdict AWS reality calls for.
    pub expected: Status,
    /// True for a just-inside / just-outside case of a range, selector, lifecycle or number.
    pub boundary: bool,
    /// The path that judged it.
    pub path: Path,
    /// The checks of that control the path emitted (empty: the path emitted none).
    pub checks: Vec<Check>,
}

impl Case {
    /// A case judged by an evaluator: `checks` is all it returned (filtered here).
    pub fn eval(
        family: &'static str,
        evaluator: &'static str,
        name: impl Into<String>,
        control: ControlId,
        expected: Status,
        checks: Vec<Check>,
    ) -> Case {
        Case {
            family,
            name: name.into(),
            control,
            expected,
            boundary: false,
            path: Path::Evaluator(evaluator),
            checks,
        }
    }

    /// A case judged by `build()`: accepted is a pass; refused with a violation of `control`
    /// is a fail; refused for other controls only is a pass of this one.
    pub fn build<T>(
        family: &'static str,
        name: impl Into<String>,
        control: ControlId,
        expected: Status,
        result: hipaa_aws::Result<T>,
    ) -> Case {
        let checks = match result {
            Ok(_) => vec![pass(control, "build() accepted the spec")],
            Err(error) => {
                let refused: Vec<Check> = error
                    .violations()
                    .map(|violations| {
                        violations
                            .iter()
                            .filter(|v| v.control == control)
                            .map(|v| Check {
                                control,
                                setting: v.setting.clone(),
                                status: Status::Fail,
                                reason: v.reason.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                if refused.is_empty() {
                    vec![Check {
                        control,
                        setting: "build".into(),
                        status: if error.violations().is_some() {
                            Status::Pass
                        } else {
                            Status::Error
                        },
                        reason: format!("refused for other controls only: {error}"),
                    }]
                } else {
                    refused
                }
            }
        };
        Case {
            family,
            name: name.into(),
            control,
            expected,
            boundary: false,
            path: Path::Build,
            checks,
        }
    }

    /// A case judged live (audit or verify), from the findings/checks of one resource.
    pub fn live(
        family: &'static str,
        path: Path,
        name: impl Into<String>,
        control: ControlId,
        expected: Status,
        checks: Vec<Check>,
    ) -> Case {
        Case {
            family,
            name: name.into(),
            control,
            expected,
            boundary: false,
            path,
            checks,
        }
    }

    /// Marks the case as a boundary case.
    pub fn edge(mut self) -> Case {
        self.boundary = true;
        self
    }

    /// The verdict the path gave on the case's control: any FAIL fails, else any ERROR is an
    /// error, else any PASS passes, else N/A; `None` when it emitted no check of the control.
    pub fn verdict(&self) -> Option<Status> {
        let of: Vec<Status> = self
            .checks
            .iter()
            .filter(|c| c.control == self.control)
            .map(|c| c.status)
            .collect();
        if of.is_empty() {
            None
        } else if of.contains(&Status::Fail) {
            Some(Status::Fail)
        } else if of.contains(&Status::Error) {
            Some(Status::Error)
        } else if of.contains(&Status::Pass) {
            Some(Status::Pass)
        } else {
            Some(Status::NotApplicable)
        }
    }

    fn reasons(&self) -> String {
        self.checks
            .iter()
            .filter(|c| c.control == self.control)
            .map(|c| format!("{}: {} ({})", c.status, c.reason, c.setting))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A passing check (for paths that report acceptance, not checks).
pub fn pass(control: ControlId, reason: &str) -> Check {
    Check::require(control, "build", true, reason, "")
}

/// Cases whose verdict is known to be false because the policy-document analysis (src/policy)
/// misjudges them: (family, case name, the wrong verdict it gives today). The table asserts they
/// still give that verdict, so the list shrinks when a fix lands. Empty since the shared policy
/// analysis closed the four it held (TLS deny narrowed by an address, `s3:*Object`, Allow with
/// `NotPrincipal`, a wildcard inside a bucket name).
pub const AWAITING_POLICY_FIX: &[(&str, &str, Status)] = &[];

/// Every pure case (evaluators and `build()`), family by family.
pub fn pure_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(s3::cases());
    cases.extend(kms::cases());
    cases.extend(iam::cases());
    cases.extend(ec2::cases());
    cases.extend(rds::cases());
    cases.extend(cloudtrail::cases());
    cases.extend(logs::cases());
    cases.extend(cloudwatch::cases());
    cases.extend(config::cases());
    cases.extend(securityhub::cases());
    cases.extend(guardduty::cases());
    cases.extend(backup::cases());
    cases.extend(organizations::cases());
    cases.extend(account::cases());
    cases
}

/// The problems of a table: wrong verdicts, controls without a compliant and a non-compliant
/// case, controls emitted though listed as judged by nothing, awaiting-fix cases that changed.
fn problems(cases: &[Case]) -> Vec<String> {
    let mut problems = Vec::new();
    for case in cases {
        let awaiting = AWAITING_POLICY_FIX
            .iter()
            .find(|(family, name, _)| *family == case.family && *name == case.name);
        let verdict = case.verdict();
        match awaiting {
            Some((_, _, wrong)) if verdict != Some(*wrong) => problems.push(format!(
                "[{}] {} ({}, {}): listed in AWAITING_POLICY_FIX as {wrong} but now gives {verdict:?}: remove it from the list",
                case.family, case.name, case.control, case.path
            )),
            Some(_) => {}
            None if verdict != Some(case.expected) => problems.push(format!(
                "[{}] {} ({}, {}): expected {} got {verdict:?}: {}",
                case.family,
                case.name,
                case.control,
                case.path,
                case.expected,
                case.reasons()
            )),
            None => {}
        }
        if let Path::Evaluator(name) = case.path {
            match evaluator(name) {
                None => problems.push(format!(
                    "[{}] {}: no evaluator {name}",
                    case.family, case.name
                )),
                Some(e) => {
                    for check in &case.checks {
                        if !e.covers.contains(&check.control) {
                            problems.push(format!(
                                "{name} emitted {} (case {}) but its COVERS does not list it",
                                check.control, case.name
                            ));
                        }
                    }
                }
            }
        }
    }
    let not_judged: BTreeSet<ControlId> = NOT_JUDGED.iter().map(|(id, _)| *id).collect();
    for id in ControlId::ALL {
        if not_judged.contains(id) {
            if let Some(case) = cases
                .iter()
                .find(|c| c.checks.iter().any(|k| k.control == *id))
            {
                problems.push(format!(
                    "{id} is listed as judged by nothing, but {} emitted it (case {})",
                    case.path, case.name
                ));
            }
            continue;
        }
        let of: Vec<&Case> = cases.iter().filter(|c| c.control == *id).collect();
        let compliant = of.iter().any(|c| c.expected == Status::Pass);
        let non_compliant = of
            .iter()
            .any(|c| matches!(c.expected, Status::Fail | Status::Error));
        if !(compliant && non_compliant) {
            problems.push(format!(
                "{id} needs a compliant and a non-compliant case (has compliant: {compliant}, non-compliant: {non_compliant})"
            ));
        }
    }
    problems
}

/// COVERS against what the table's cases emitted, for every evaluator:
/// - an evaluator the table runs directly emitted exactly its COVERS over its cases (a COVERS
///   that names a control the evaluator never emits is false);
/// - an evaluator the table reaches only through `build()`, verify, the audit or apply (whose
///   checks do not say which evaluator made them) has each control of its COVERS emitted by
///   some case of the table;
/// - every control a live path emitted is in the COVERS of some evaluator (a path cannot judge
///   a control no evaluator declares).
fn covers_problems(cases: &[Case]) -> Vec<String> {
    let mut emitted: BTreeMap<&'static str, BTreeSet<ControlId>> = BTreeMap::new();
    let mut anywhere: BTreeSet<ControlId> = BTreeSet::new();
    for case in cases {
        anywhere.extend(case.checks.iter().map(|c| c.control));
        if let Path::Evaluator(name) = case.path {
            emitted
                .entry(name)
                .or_default()
                .extend(case.checks.iter().map(|c| c.control));
        }
    }
    let mut problems = Vec::new();
    for e in evaluators() {
        match emitted.get(e.name) {
            Some(seen) => {
                for control in e.covers {
                    if !seen.contains(control) {
                        problems.push(format!(
                            "{} declares {control} in its COVERS but emitted no check of it on the table's samples",
                            e.name
                        ));
                    }
                }
            }
            None => {
                for control in e.covers {
                    if !anywhere.contains(control) {
                        problems.push(format!(
                            "{} (reached only through build, verify, audit or apply) declares {control} in its COVERS, but no path of the table emitted it",
                            e.name
                        ));
                    }
                }
            }
        }
    }
    let declared = hipaa_aws::controls::coverage::covered();
    for case in cases
        .iter()
        .filter(|c| !matches!(c.path, Path::Evaluator(_)))
    {
        for check in &case.checks {
            if !declared.contains(&check.control) {
                problems.push(format!(
                    "{} emitted {} (case [{}] {}), but no evaluator's COVERS declares it",
                    case.path, check.control, case.family, case.name
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

fn counts(cases: &[Case]) -> BTreeMap<&'static str, (usize, usize, BTreeSet<String>)> {
    let mut per: BTreeMap<&'static str, (usize, usize, BTreeSet<String>)> = BTreeMap::new();
    for case in cases {
        let entry = per.entry(case.family).or_default();
        entry.0 += 1;
        if case.boundary {
            entry.1 += 1;
        }
        entry.2.insert(case.path.to_string());
    }
    per
}

/// The whole table: the pure cases and every family's live cases (one audit and one verify
/// per family), asserted case by case, with the counts printed per family.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn conformance_table() {
    let mut cases = pure_cases();
    cases.extend(live::cases().await);
    let per = counts(&cases);
    println!("conformance cases per family (total, boundary, paths):");
    for (family, (total, boundary, paths)) in &per {
        println!(
            "  {family:<12} {total:>4} {boundary:>4}  {}",
            paths.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    println!("  {:<12} {:>4}", "total", cases.len());
    let mut all = problems(&cases);
    all.extend(covers_problems(&cases));
    assert!(
        all.is_empty(),
        "{} conformance problems:\n{}",
        all.len(),
        all.join("\n")
    );
    assert!(cases.len() >= 300, "only {} cases", cases.len());
}

/// The pure half alone (no endpoint): fast feedback, and the coverage rule on its own.
#[test]
fn pure_cases_give_their_verdicts() {
    let cases = pure_cases();
    let problems: Vec<String> = problems(&cases)
        .into_iter()
        .filter(|p| !p.contains("needs a compliant"))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
