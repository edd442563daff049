//! Glyph profiles: Unicode for capable terminals, plain ASCII for the rest
//! (serial consoles, old SSH clients, screen readers).

use ratatui::buffer::Buffer;
use ratatui::symbols::border;

const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyphs {
    pub ascii: bool,
    pub border: border::Set,
    /// Marks the selected row, alongside reverse video: never colour alone.
    pub marker: &'static str,
    pub checked: &'static str,
    pub unchecked: &'static str,
    pub separator: &'static str,
    pub mask: char,
}

impl Glyphs {
    pub fn new(ascii: bool) -> Glyphs {
        if ascii {
            Glyphs {
                ascii,
                border: ASCII_BORDER,
                marker: ">",
                checked: "[x]",
                unchecked: "[ ]",
                separator: " - ",
                mask: '*',
            }
        } else {
            Glyphs {
                ascii,
                border: border::ROUNDED,
                marker: ">",
                checked: "[x]",
                unchecked: "[ ]",
                separator: " · ",
                mask: '•',
            }
        }
    }

    /// In the ASCII profile, replaces whatever non-ASCII text reached the frame
    /// (names with accents from the server, widget symbols) after drawing, so
    /// no cell can hold a character the terminal cannot show.
    pub fn enforce(&self, buf: &mut Buffer) {
        if !self.ascii {
            return;
        }
        for cell in buf.content.iter_mut() {
            if !cell.symbol().is_ascii() {
                let folded = fold_to_ascii(cell.symbol());
                cell.set_symbol(&folded);
            }
        }
    }
}

/// Folds common accented letters to their base letter; anything else becomes `?`.
fn fold_to_ascii(symbol: &str) -> String {
    symbol
        .chars()
        .filter(|c| !is_combining(*c))
        .map(|c| match c {
            c if c.is_ascii() => c,
            'à'..='å' | 'ā' => 'a',
            'À'..='Å' | 'Ā' => 'A',
            'ç' | 'ć' | 'č' => 'c',
            'Ç' | 'Ć' | 'Č' => 'C',
            'è'..='ë' | 'ē' | 'ę' => 'e',
            'È'..='Ë' | 'Ē' | 'Ę' => 'E',
            'ì'..='ï' | 'ī' => 'i',
            'Ì'..='Ï' | 'Ī' => 'I',
            'ñ' | 'ń' => 'n',
            'Ñ' | 'Ń' => 'N',
            'ò'..='ö' | 'ø' | 'ō' => 'o',
            'Ò'..='Ö' | 'Ø' | 'Ō' => 'O',
            'ù'..='ü' | 'ū' => 'u',
            'Ù'..='Ü' | 'Ū' => 'U',
            'ý' | 'ÿ' => 'y',
            'Ý' => 'Y',
            'ł' => 'l',
            'Ł' => 'L',
            'ś' | 'š' => 's',
            'Ś' | 'Š' => 'S',
            'ź' | 'ż' | 'ž' => 'z',
            'Ź' | 'Ż' | 'Ž' => 'Z',
            '‘' | '’' => '\'',
            '“' | '”' => '"',
            '–' | '—' => '-',
            _ => '?',
        })
        .collect::<String>()
        .chars()
        .next()
        .map_or_else(|| " ".to_string(), String::from)
}

fn is_combining(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_letters_readable() {
        assert_eq!(fold_to_ascii("ë"), "e");
        assert_eq!(fold_to_ascii("Ł"), "L");
        assert_eq!(fold_to_ascii("e\u{301}"), "e");
        assert_eq!(fold_to_ascii("─"), "?");
    }
}
