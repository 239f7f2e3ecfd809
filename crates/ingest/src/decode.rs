//! Bytes to text: BOM, declared charset (HTML `<meta>`), UTF-8, Windows-1252 fallback.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use regex::bytes::Regex;
use std::sync::LazyLock;

/// Decoded text and the encoding it was read as.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]+)"#).unwrap()
});

/// Decode bytes: a BOM wins, then (for HTML) a declared charset, then UTF-8 when the
/// bytes are valid UTF-8, else Windows-1252. Never fails.
pub fn decode(bytes: &[u8], is_html: bool) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text: text.into_owned(),
            encoding: encoding.name(),
        };
    }
    if is_html {
        let head = &bytes[..bytes.len().min(4096)];
        if let Some(label) = META_CHARSET
            .captures(head)
            .map(|c| c.get(1).unwrap().as_bytes())
        {
            if let Some(encoding) = Encoding::for_label(label) {
                // A page that declares UTF-8 (or UTF-16, which a byte stream without a BOM
                // cannot be) but is not valid UTF-8 falls through to the fallback below.
                if encoding != UTF_8 && encoding.output_encoding() == encoding {
                    let (text, _) = encoding.decode_without_bom_handling(bytes);
                    return Decoded {
                        text: text.into_owned(),
                        encoding: encoding.name(),
                    };
                }
            }
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: text.to_string(),
            encoding: UTF_8.name(),
        },
        Err(_) => {
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
            Decoded {
                text: text.into_owned(),
                encoding: WINDOWS_1252.name(),
            }
        }
    }
}

/// Byte offset of the first sign that decoded text is really binary data: a NUL, or
/// control characters making up more than 1 in 100 of the first 64 KiB.
pub(crate) fn binary_offset(text: &str) -> Option<usize> {
    // Control characters are ASCII bytes below 0x20 (but tab, newline, form feed and
    // carriage return), DEL, and the C1 range U+0080-U+009F (encoded 0xC2 0x80-0x9F).
    let bytes = text.as_bytes();
    if let Some(nul) = memchr::memchr(0, bytes) {
        return Some(nul);
    }
    let sample = &bytes[..bytes.len().min(65536)];
    // Real text has no controls at all: one pass (that the compiler vectorises) says so.
    let any_ascii_control = sample
        .iter()
        .fold(false, |any, &b| any | (ascii_control(b) != 0));
    if !any_ascii_control && !memchr::memchr_iter(0xc2, sample).any(|i| c1_control_at(sample, i)) {
        return None;
    }
    // A lane-wise count the compiler vectorises.
    let ascii: usize = sample
        .chunks(255)
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + ascii_control(b))))
        .sum();
    let c1 = memchr::memchr_iter(0xc2, sample)
        .filter(|&i| c1_control_at(sample, i))
        .count();
    let controls = ascii + c1;
    if controls == 0 {
        return None;
    }
    let chars = text[..floor_boundary(text, sample.len())].chars().count();
    if chars > 0 && controls * 100 > chars {
        first_control(sample)
    } else {
        None
    }
}

/// Offset of the first control character (see [`binary_offset`]) in `bytes`.
fn first_control(bytes: &[u8]) -> Option<usize> {
    (0..bytes.len()).find(|&i| ascii_control(bytes[i]) == 1 || c1_control_at(bytes, i))
}

/// 1 for an ASCII control byte other than tab, newline, form feed and carriage return,
/// else 0 (comparisons only, so a count over a slice vectorises).
fn ascii_control(b: u8) -> u8 {
    u8::from(b < 0x20)
        - u8::from(b == b'\t')
        - u8::from(b == b'\n')
        - u8::from(b == b'\r')
        - u8::from(b == 0x0c)
        + u8::from(b == 0x7f)
}

/// Whether a C1 control (U+0080-U+009F, encoded 0xC2 0x80-0x9F) starts at `i`.
fn c1_control_at(bytes: &[u8], i: usize) -> bool {
    bytes[i] == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n))
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_is_removed() {
        let d = decode(b"\xEF\xBB\xBFhello", false);
        assert_eq!(d.text, "hello");
    }

    #[test]
    fn utf16_le_with_bom_is_decoded() {
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Hi £".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&bytes, false).text, "Hi £");
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252() {
        let d = decode(b"people\x92s views \x96 positive", false);
        assert_eq!(d.text, "people\u{2019}s views \u{2013} positive");
        assert_eq!(d.encoding, "windows-1252");
    }

    #[test]
    fn html_meta_charset_is_honoured() {
        let html = b"<html><head><meta charset=\"windows-1252\"></head><body>caf\xe9</body></html>";
        assert!(decode(html, true).text.contains("caf\u{e9}"));
        let http_equiv = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"><p>\xa3</p>";
        assert!(decode(http_equiv, true).text.contains('\u{a3}'));
    }

    #[test]
    fn declared_utf8_that_is_not_utf8_is_read_as_windows_1252() {
        let html = b"<meta charset=utf-8><p>people\x92s</p>";
        assert!(decode(html, true).text.contains("people\u{2019}s"));
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert_eq!(binary_offset("abc\0def"), Some(3));
        assert_eq!(binary_offset("plain text\nmore"), None);
    }

    #[test]
    fn dense_control_characters_mean_binary_from_the_first_one() {
        let prose = "Staff were kind.\tPeople waited.\r\n".repeat(10);
        assert_eq!(binary_offset(&prose), None, "tab, CR and LF are text");
        let garbled = format!("{prose}\u{1}\u{2}\u{7f}{}", "\u{3}".repeat(10));
        assert_eq!(binary_offset(&garbled), Some(prose.len()));
        // C1 controls (as in mis-decoded text) count too; one in a long text does not.
        let c1 = format!("{prose}{}", "\u{85}".repeat(10));
        assert_eq!(binary_offset(&c1), Some(prose.len()));
        let one = format!("{}\u{1}{}", prose, "x".repeat(200));
        assert_eq!(binary_offset(&one), None);
    }
}
