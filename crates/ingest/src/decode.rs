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
    if let Some(offset) = text.find('\0') {
        return Some(offset);
    }
    let mut controls = 0usize;
    let mut seen = 0usize;
    let mut first = None;
    for (offset, c) in text.char_indices().take(65536) {
        seen += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            controls += 1;
            first.get_or_insert(offset);
        }
    }
    if seen > 0 && controls * 100 > seen {
        first
    } else {
        None
    }
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
}
