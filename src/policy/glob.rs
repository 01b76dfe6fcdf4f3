//! IAM wildcard patterns (`*` any run, `?` one character, case-insensitive), and the three
//! questions every policy judgement asks of them: does a pattern match a text, can two patterns
//! match a common text, and does one pattern match everything another can.

/// Characters of a pattern, lowercased (IAM compares actions and most ARNs case-insensitively;
/// comparing ARNs case-insensitively only makes more of them match, never fewer).
fn chars(text: &str) -> Vec<char> {
    text.chars().map(|c| c.to_ascii_lowercase()).collect()
}

/// True when `pattern` matches the literal `text`.
pub(crate) fn glob_matches(pattern: &str, text: &str) -> bool {
    let pattern = chars(pattern);
    let text = chars(text);
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

/// A table over positions of two patterns, filled from the ends backwards: `cell(i, j)` may
/// read only cells with a larger `i` or `j`. Iterative, so no input can overflow the stack, and
/// at most `(a+1)·(b+1)` steps.
fn table(
    la: usize,
    lb: usize,
    cell: impl Fn(&dyn Fn(usize, usize) -> bool, usize, usize) -> bool,
) -> bool {
    let width = lb + 1;
    let mut done = vec![false; (la + 1) * width];
    for i in (0..=la).rev() {
        for j in (0..=lb).rev() {
            let value = {
                let read = |ni: usize, nj: usize| -> bool {
                    ni.checked_mul(width)
                        .and_then(|row| row.checked_add(nj))
                        .and_then(|index| done.get(index))
                        .copied()
                        .unwrap_or(false)
                };
                cell(&read, i, j)
            };
            if let Some(slot) = i
                .checked_mul(width)
                .and_then(|row| row.checked_add(j))
                .and_then(|index| done.get_mut(index))
            {
                *slot = value;
            }
        }
    }
    done.first().copied().unwrap_or(false)
}

/// True when some literal text matches both patterns.
pub(crate) fn globs_overlap(a: &str, b: &str) -> bool {
    let (a, b) = (chars(a), chars(b));
    let (la, lb) = (a.len(), b.len());
    table(la, lb, |next, i, j| match (a.get(i), b.get(j)) {
        (None, None) => true,
        // A star stands for nothing, or for one more character of the other side.
        (Some('*'), _) => next(i + 1, j) || (j < lb && next(i, j + 1)),
        (_, Some('*')) => next(i, j + 1) || (i < la && next(i + 1, j)),
        (Some(x), Some(y)) => (*x == '?' || *y == '?' || x == y) && next(i + 1, j + 1),
        _ => false,
    })
}

/// True when every literal text that `inner` matches is also matched by `outer` (a sound test:
/// it may say false for some odd pairs that do nest, never true for pairs that do not).
pub(crate) fn glob_covers(outer: &str, inner: &str) -> bool {
    let (o, n) = (chars(outer), chars(inner));
    let ln = n.len();
    table(o.len(), ln, |next, i, j| match (o.get(i), n.get(j)) {
        (None, None) => true,
        // An outer star stands for nothing, or absorbs one more character of the inner
        // pattern, wildcards included.
        (Some('*'), _) => next(i + 1, j) || (j < ln && next(i, j + 1)),
        // Only an outer star covers an inner star; only `?` (or a star) covers an inner `?`.
        (_, Some('*')) => false,
        (Some('?'), Some(_)) => next(i + 1, j + 1),
        (Some(_), Some('?')) => false,
        (Some(x), Some(y)) => x == y && next(i + 1, j + 1),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_literals_like_iam() {
        assert!(glob_matches("kms:*", "kms:Decrypt"));
        assert!(glob_matches("KMS:decrypt", "kms:Decrypt"));
        assert!(glob_matches("kms:Re?ncrypt*", "kms:ReEncryptTo"));
        assert!(!glob_matches("kms:Encrypt", "kms:Decrypt"));
        assert!(glob_matches("*", ""));
        assert!(!glob_matches("?", ""));
    }

    #[test]
    fn overlapping_patterns_share_a_literal() {
        assert!(globs_overlap("s3:*Object", "s3:Get*"));
        assert!(globs_overlap("kms:*crypt*", "kms:Decrypt"));
        assert!(globs_overlap("*:*crypt*", "kms:*"));
        assert!(globs_overlap("kms:Re*", "kms:ReEncrypt*"));
        assert!(globs_overlap("s?:Put*", "s3:PutObject"));
        assert!(!globs_overlap("kms:Gen*", "kms:ReEncrypt*"));
        assert!(!globs_overlap("s3:*Object", "s3:ListBucket"));
        assert!(!globs_overlap("iam:Get*", "iam:Put*"));
        assert!(globs_overlap("", "*"));
        assert!(!globs_overlap("a", "a?"));
    }

    #[test]
    fn covering_is_sound() {
        assert!(glob_covers("*", "s3:*"));
        assert!(glob_covers("s3:*", "s3:Get*"));
        assert!(glob_covers("*:*", "s3:*"));
        assert!(glob_covers("s3:Get?", "s3:Get?"));
        assert!(!glob_covers("s3:Get?", "s3:Get*"));
        assert!(!glob_covers("s3:Get*", "s3:*"));
        assert!(!glob_covers("s3:*Object", "s3:*"));
        assert!(glob_covers("arn:aws:s3:::*", "arn:aws:s3:::acme/*"));
        assert!(!glob_covers("arn:aws:s3:::acme", "arn:aws:s3:::acme/*"));
    }

    #[test]
    fn long_patterns_stay_fast() {
        let a = "*a".repeat(200);
        let b = "*b".repeat(200);
        assert!(!globs_overlap(&format!("{a}c"), &format!("{b}d")));
        assert!(!glob_covers(&a, &b));
    }
}
