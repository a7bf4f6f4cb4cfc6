//! Where `admin user create` takes the password from: `--password-stdin` (one line of standard
//! input), `--password`, or the `KORDON_PASSWORD` environment variable, so it need not sit in the
//! process list; and one line of standard input for other secrets (`telephony secret add --stdin`).

use std::io::BufRead;

/// The variable read when neither `--password` nor `--password-stdin` is given.
pub const PASSWORD_VARIABLE: &str = "KORDON_PASSWORD";

/// The password: from standard input with `from_stdin`, else the flag's, else the variable's.
pub fn password(flag: Option<String>, from_stdin: bool) -> Result<String, String> {
    match (flag, from_stdin) {
        (Some(_), true) => Err("give the password either with --password or with --password-stdin, not both".into()),
        (None, true) => line_from_stdin("the password"),
        (Some(password), false) => Ok(password),
        (None, false) => std::env::var(PASSWORD_VARIABLE)
            .map_err(|_| format!("a password is needed: --password-stdin, {PASSWORD_VARIABLE} or --password"))
            .and_then(|p| if p.is_empty() { Err(format!("{PASSWORD_VARIABLE} is empty")) } else { Ok(p) }),
    }
}

/// The first line of standard input, without its line ending; `what` names it in errors.
pub fn line_from_stdin(what: &str) -> Result<String, String> {
    read_line(std::io::stdin().lock(), what)
}

/// The first line of `input`, without its line ending.
fn read_line(mut input: impl BufRead, what: &str) -> Result<String, String> {
    let mut line = String::new();
    input.read_line(&mut line).map_err(|e| format!("cannot read {what} from standard input: {e}"))?;
    let text = line.strip_suffix('\n').unwrap_or(&line);
    let text = text.strip_suffix('\r').unwrap_or(text);
    if text.is_empty() {
        return Err(format!("no {} on standard input", what.trim_start_matches("the ")));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::read_line;

    #[test]
    fn one_line_without_its_ending() {
        let p = "the password";
        assert_eq!(read_line(&b"s3cret pass\r\nnext"[..], p), Ok("s3cret pass".to_string()));
        assert_eq!(read_line(&b"  spaced  \n"[..], p), Ok("  spaced  ".to_string()));
        assert_eq!(read_line(&b"\n"[..], p), Err("no password on standard input".to_string()));
        assert!(read_line(&b""[..], p).is_err());
    }
}
