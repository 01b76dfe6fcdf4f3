//! Glob patterns over control ids and ARNs: `*` is any run of characters (including `:` and
//! `/`), `?` exactly one; everything else matches itself, case-sensitively.

/// True when the text is a pattern rather than an exact value.
pub(crate) fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// True when `text` matches `pattern` as a whole. Linear backtracking over the last `*`, so
/// no pattern can make it slow.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(c) if *c == '?' || Some(c) == text.get(t) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn matches_whole_text_only() {
        assert!(glob_match("S3_*", "S3_BUCKET_LOGGING_ENABLED"));
        assert!(!glob_match("S3_*", "XS3_BUCKET"));
        assert!(glob_match("arn:aws:s3:::acme-*", "arn:aws:s3:::acme-logs"));
        assert!(!glob_match("arn:aws:s3:::acme-*", "arn:aws:s3:::acmelogs"));
        assert!(glob_match("*logs", "arn:aws:s3:::acme-logs"));
        assert!(!glob_match("*logs", "arn:aws:s3:::acme-logs2"));
        assert!(glob_match("arn:aws:s3:::acme-?", "arn:aws:s3:::acme-1"));
        assert!(!glob_match("arn:aws:s3:::acme-?", "arn:aws:s3:::acme-12"));
        assert!(glob_match("a*b*c", "aXXbYYbZc"));
        assert!(!glob_match("a*b*c", "aXXbYYbZ"));
        assert!(glob_match("exact", "exact"));
        assert!(!glob_match("exact", "exact2"));
        assert!(!glob_match("Exact", "exact"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("?", ""));
    }
}
