//! Where `admin user create` takes the password from: `--password-stdin` (one line of standard
//! input), `--password`, or the `KORDON_PASSWORD` environment variable, so it need not sit in the
//! process list.

use std::io::BufRead;

/// The variable read when neither `--password` nor `--password-stdin` is given.
pub const PASSWORD_VARIABLE: &str = "KORDON_PASSWORD";

/// The password: from standard input with `from_stdin`, else the flag's, else the variable's.
pub fn password(flag: Option<String>, from_stdin: bool) -> Result<String, String> {
    match (flag, from_stdin) {
        (Some(_), true) => Err("give the password either with --password or with --password-stdin, not both".into()),
        (None, true) => read_line(std::io::stdin().lock()),
        (Some(password), false) => Ok(password),
        (None, false) => std::env::var(PASSWORD_VARIABLE)
            .map_err(|_| format!("a password is needed: --password-stdin, {PASSWORD_VARIABLE} or --password"))
            .and_then(|p| if p.is_empty() { Err(format!("{PASSWORD_VARIABLE} is empty")) } else { Ok(p) }),
    }
}

/// The first line of `input`, without its line ending.
fn read_line(mut input: impl BufRead) -> Result<String, String> {
    let mut line = String::new();
    input.read_line(&mut line).map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        return Err("no password on standard input".into());
    }
    Ok(password.to_owned())
}

#[cfg(test)]
mod tests {
    use super::read_line;

    #[test]
    fn one_line_without_its_ending() {
        assert_eq!(read_line(&b"s3cret pass\r\nnext"[..]), Ok("s3cret pass".to_string()));
        assert_eq!(read_line(&b"  spaced  \n"[..]), Ok("  spaced  ".to_string()));
        assert!(read_line(&b"\n"[..]).is_err());
        assert!(read_line(&b""[..]).is_err());
    }
}
