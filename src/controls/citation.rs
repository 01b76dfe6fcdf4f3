//! HIPAA Security Rule citations (45 CFR Part 164, Subpart C).

use std::fmt;

use serde::{Deserialize, Serialize};

/// One paragraph of the HIPAA Security Rule, such as `164.312(a)(2)(iv)`.
///
/// Displayed as `45 CFR 164.312(a)(2)(iv)`; [`Citation::title`] gives the standard's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Citation(&'static str);

impl Citation {
    /// 164.308(a)(1)(ii)(D): information system activity review.
    pub const ACTIVITY_REVIEW: Citation = Citation("164.308(a)(1)(ii)(D)");
    /// 164.308(a)(3)(i): workforce security.
    pub const WORKFORCE_SECURITY: Citation = Citation("164.308(a)(3)(i)");
    /// 164.308(a)(3)(ii)(A): authorization and/or supervision.
    pub const AUTHORIZATION_SUPERVISION: Citation = Citation("164.308(a)(3)(ii)(A)");
    /// 164.308(a)(3)(ii)(B): workforce clearance procedure.
    pub const WORKFORCE_CLEARANCE: Citation = Citation("164.308(a)(3)(ii)(B)");
    /// 164.308(a)(4)(i): information access management.
    pub const ACCESS_MANAGEMENT: Citation = Citation("164.308(a)(4)(i)");
    /// 164.308(a)(4)(ii)(A): isolating health care clearinghouse functions.
    pub const ISOLATING_CLEARINGHOUSE: Citation = Citation("164.308(a)(4)(ii)(A)");
    /// 164.308(a)(4)(ii)(B): access authorization.
    pub const ACCESS_AUTHORIZATION: Citation = Citation("164.308(a)(4)(ii)(B)");
    /// 164.308(a)(4)(ii)(C): access establishment and modification.
    pub const ACCESS_ESTABLISHMENT: Citation = Citation("164.308(a)(4)(ii)(C)");
    /// 164.308(a)(5)(ii)(A): security reminders.
    pub const SECURITY_REMINDERS: Citation = Citation("164.308(a)(5)(ii)(A)");
    /// 164.308(a)(5)(ii)(B): protection from malicious software.
    pub const MALICIOUS_SOFTWARE: Citation = Citation("164.308(a)(5)(ii)(B)");
    /// 164.308(a)(5)(ii)(C): log-in monitoring.
    pub const LOGIN_MONITORING: Citation = Citation("164.308(a)(5)(ii)(C)");
    /// 164.308(a)(5)(ii)(D): password management.
    pub const PASSWORD_MANAGEMENT: Citation = Citation("164.308(a)(5)(ii)(D)");
    /// 164.308(a)(6)(ii): security incident response and reporting.
    pub const INCIDENT_RESPONSE: Citation = Citation("164.308(a)(6)(ii)");
    /// 164.308(a)(7)(i): contingency plan.
    pub const CONTINGENCY_PLAN: Citation = Citation("164.308(a)(7)(i)");
    /// 164.308(a)(7)(ii)(A): data backup plan.
    pub const DATA_BACKUP: Citation = Citation("164.308(a)(7)(ii)(A)");
    /// 164.308(a)(7)(ii)(B): disaster recovery plan.
    pub const DISASTER_RECOVERY: Citation = Citation("164.308(a)(7)(ii)(B)");
    /// 164.308(a)(7)(ii)(C): emergency mode operation plan.
    pub const EMERGENCY_MODE: Citation = Citation("164.308(a)(7)(ii)(C)");
    /// 164.308(b)(1): business associate contracts and other arrangements.
    pub const BUSINESS_ASSOCIATE_CONTRACTS: Citation = Citation("164.308(b)(1)");
    /// 164.312(a)(1): access control.
    pub const ACCESS_CONTROL: Citation = Citation("164.312(a)(1)");
    /// 164.312(a)(2)(i): unique user identification.
    pub const UNIQUE_USER_IDENTIFICATION: Citation = Citation("164.312(a)(2)(i)");
    /// 164.312(a)(2)(iv): encryption and decryption.
    pub const ENCRYPTION_DECRYPTION: Citation = Citation("164.312(a)(2)(iv)");
    /// 164.312(b): audit controls.
    pub const AUDIT_CONTROLS: Citation = Citation("164.312(b)");
    /// 164.312(c)(1): integrity.
    pub const INTEGRITY: Citation = Citation("164.312(c)(1)");
    /// 164.312(c)(2): mechanism to authenticate electronic protected health information.
    pub const AUTHENTICATE_EPHI: Citation = Citation("164.312(c)(2)");
    /// 164.312(d): person or entity authentication.
    pub const ENTITY_AUTHENTICATION: Citation = Citation("164.312(d)");
    /// 164.312(e)(1): transmission security.
    pub const TRANSMISSION_SECURITY: Citation = Citation("164.312(e)(1)");
    /// 164.312(e)(2)(i): integrity controls (in transmission).
    pub const TRANSMISSION_INTEGRITY: Citation = Citation("164.312(e)(2)(i)");
    /// 164.312(e)(2)(ii): encryption (in transmission).
    pub const TRANSMISSION_ENCRYPTION: Citation = Citation("164.312(e)(2)(ii)");
    /// 164.316(b)(2)(i): retain required documentation for six years.
    pub const RETENTION_SIX_YEARS: Citation = Citation("164.316(b)(2)(i)");

    /// Every citation this crate knows, in regulation order.
    pub const ALL: &'static [Citation] = &[
        Self::ACTIVITY_REVIEW,
        Self::WORKFORCE_SECURITY,
        Self::AUTHORIZATION_SUPERVISION,
        Self::WORKFORCE_CLEARANCE,
        Self::ACCESS_MANAGEMENT,
        Self::ISOLATING_CLEARINGHOUSE,
        Self::ACCESS_AUTHORIZATION,
        Self::ACCESS_ESTABLISHMENT,
        Self::SECURITY_REMINDERS,
        Self::MALICIOUS_SOFTWARE,
        Self::LOGIN_MONITORING,
        Self::PASSWORD_MANAGEMENT,
        Self::INCIDENT_RESPONSE,
        Self::CONTINGENCY_PLAN,
        Self::DATA_BACKUP,
        Self::DISASTER_RECOVERY,
        Self::EMERGENCY_MODE,
        Self::BUSINESS_ASSOCIATE_CONTRACTS,
        Self::ACCESS_CONTROL,
        Self::UNIQUE_USER_IDENTIFICATION,
        Self::ENCRYPTION_DECRYPTION,
        Self::AUDIT_CONTROLS,
        Self::INTEGRITY,
        Self::AUTHENTICATE_EPHI,
        Self::ENTITY_AUTHENTICATION,
        Self::TRANSMISSION_SECURITY,
        Self::TRANSMISSION_INTEGRITY,
        Self::TRANSMISSION_ENCRYPTION,
        Self::RETENTION_SIX_YEARS,
    ];

    /// The paragraph, e.g. `164.312(b)`.
    pub fn paragraph(&self) -> &'static str {
        self.0
    }

    /// The name of the standard or implementation specification.
    pub fn title(&self) -> &'static str {
        match self.0 {
            "164.308(a)(1)(ii)(D)" => "Information system activity review",
            "164.308(a)(3)(i)" => "Workforce security",
            "164.308(a)(3)(ii)(A)" => "Authorization and/or supervision",
            "164.308(a)(3)(ii)(B)" => "Workforce clearance procedure",
            "164.308(a)(4)(i)" => "Information access management",
            "164.308(a)(4)(ii)(A)" => "Isolating health care clearinghouse functions",
            "164.308(a)(4)(ii)(B)" => "Access authorization",
            "164.308(a)(4)(ii)(C)" => "Access establishment and modification",
            "164.308(a)(5)(ii)(A)" => "Security reminders",
            "164.308(a)(5)(ii)(B)" => "Protection from malicious software",
            "164.308(a)(5)(ii)(C)" => "Log-in monitoring",
            "164.308(a)(5)(ii)(D)" => "Password management",
            "164.308(a)(6)(ii)" => "Response and reporting",
            "164.308(a)(7)(i)" => "Contingency plan",
            "164.308(a)(7)(ii)(A)" => "Data backup plan",
            "164.308(a)(7)(ii)(B)" => "Disaster recovery plan",
            "164.308(a)(7)(ii)(C)" => "Emergency mode operation plan",
            "164.308(b)(1)" => "Business associate contracts and other arrangements",
            "164.312(a)(1)" => "Access control",
            "164.312(a)(2)(i)" => "Unique user identification",
            "164.312(a)(2)(iv)" => "Encryption and decryption",
            "164.312(b)" => "Audit controls",
            "164.312(c)(1)" => "Integrity",
            "164.312(c)(2)" => "Mechanism to authenticate electronic protected health information",
            "164.312(d)" => "Person or entity authentication",
            "164.312(e)(1)" => "Transmission security",
            "164.312(e)(2)(i)" => "Integrity controls",
            "164.312(e)(2)(ii)" => "Encryption",
            "164.316(b)(2)(i)" => "Documentation retention (six years)",
            _ => "HIPAA Security Rule",
        }
    }
}

impl Citation {
    /// Looks a paragraph such as `164.312(b)` up among [`Citation::ALL`].
    pub fn parse(paragraph: &str) -> Option<Citation> {
        let paragraph = paragraph.trim().trim_start_matches("45 CFR ").trim();
        Self::ALL.iter().copied().find(|c| c.0 == paragraph)
    }
}

impl<'de> Deserialize<'de> for Citation {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Citation::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown HIPAA citation {text:?}")))
    }
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "45 CFR {}", self.0)
    }
}

/// Formats a list of citations as `45 CFR 164.312(b), 164.312(c)(1)`.
pub fn format_citations(citations: &[Citation]) -> String {
    if citations.is_empty() {
        return "no HIPAA citation".to_string();
    }
    let paragraphs: Vec<&str> = citations.iter().map(Citation::paragraph).collect();
    format!("45 CFR {}", paragraphs.join(", "))
}
