//! Text measuring and line breaking for mixed Chinese and Latin text.
//!
//! Rules: Latin words are never split (unless a single word is wider than the line);
//! Chinese may break between any two characters; closing punctuation never starts a line
//! and opening punctuation never ends one.

/// Characters that may not start a line.
pub fn is_closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '）'
            | '、'
            | '：'
            | '；'
            | '！'
            | '？'
            | '」'
            | '』'
            | '》'
            | '〉'
            | '】'
            | '〕'
            | '”'
            | '’'
            | '…'
            | '·'
            | ','
            | '.'
            | ')'
            | ':'
            | ';'
            | '!'
            | '?'
            | ']'
            | '}'
            | '%'
            | '％'
    )
}

/// Characters that may not end a line.
pub fn is_opening(c: char) -> bool {
    matches!(c, '（' | '「' | '『' | '《' | '〈' | '【' | '〔' | '“' | '‘' | '(' | '[' | '{')
}

/// A CJK ideograph, kana, or full-width form: a line may break before and after it.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// An unbreakable piece of text and whether a space separates it from the piece before.
#[derive(Debug, Clone, PartialEq)]
struct Atom {
    text: String,
    space_before: bool,
}

fn atoms(text: &str) -> Vec<Atom> {
    let mut out: Vec<Atom> = Vec::new();
    let mut cur = String::new();
    let mut space = false;
    let mut cur_space = false;
    let mut glue_next = false;
    let flush = |out: &mut Vec<Atom>, cur: &mut String, sp: bool| {
        if !cur.is_empty() {
            out.push(Atom { text: std::mem::take(cur), space_before: sp });
        }
    };
    for c in text.chars() {
        if c.is_whitespace() {
            flush(&mut out, &mut cur, cur_space);
            space = true;
            continue;
        }
        if is_closing(c) && !space {
            // Attach to what precedes, so it never starts a line.
            if !cur.is_empty() {
                cur.push(c);
            } else if let Some(last) = out.last_mut() {
                last.text.push(c);
            } else {
                cur.push(c);
                cur_space = false;
            }
            continue;
        }
        if is_cjk(c) || is_opening(c) {
            if !glue_next {
                flush(&mut out, &mut cur, cur_space);
                cur_space = space;
            }
            cur.push(c);
            glue_next = is_opening(c);
            space = false;
            continue;
        }
        // Latin and other characters: join into a word.
        if cur.chars().last().is_some_and(|l| is_cjk(l) && !is_opening(l)) && !glue_next {
            flush(&mut out, &mut cur, cur_space);
            cur_space = space;
        } else if cur.is_empty() {
            cur_space = space;
        } else if space {
            flush(&mut out, &mut cur, cur_space);
            cur_space = true;
        }
        glue_next = false;
        space = false;
        cur.push(c);
    }
    flush(&mut out, &mut cur, cur_space);
    out
}

/// The width of the widest piece of `text` that [`wrap`] never breaks (a Latin word, a
/// date, a figure with its unit; one Chinese character): a column narrower than this cuts it.
pub fn widest_atom(text: &str, width: &dyn Fn(&str) -> f32) -> f32 {
    text.split('\n').flat_map(atoms).map(|a| width(&a.text)).fold(0.0, f32::max)
}

/// Break `text` into lines no wider than `max` using the `width` of a string.
pub fn wrap(text: &str, max: f32, width: &dyn Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let space_w = width(" ");
        let mut line_w = 0.0f32;
        for a in atoms(para) {
            let w = width(&a.text);
            let sep = if a.space_before && !line.is_empty() { space_w } else { 0.0 };
            if line.is_empty() || line_w + sep + w <= max {
                if sep > 0.0 {
                    line.push(' ');
                }
                line.push_str(&a.text);
                line_w += sep + w;
            } else {
                lines.push(std::mem::take(&mut line));
                line.push_str(&a.text);
                line_w = w;
            }
            // A single word wider than the line: cut it by characters (last resort).
            while line_w > max && line.chars().count() > 1 {
                let mut head = String::new();
                let mut hw = 0.0;
                let mut rest = String::new();
                for c in line.chars() {
                    let cw = width(c.encode_utf8(&mut [0; 4]));
                    if rest.is_empty() && (hw + cw <= max || head.is_empty()) {
                        head.push(c);
                        hw += cw;
                    } else {
                        rest.push(c);
                    }
                }
                if rest.is_empty() {
                    break;
                }
                lines.push(head);
                line_w = width(&rest);
                line = rest;
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> f32 {
        s.chars().map(|c| if is_cjk(c) { 2.0 } else { 1.0 }).sum()
    }

    #[test]
    fn latin_words_are_not_split() {
        let lines = wrap("the quick brown fox jumps", 10.0, &w);
        assert_eq!(lines, vec!["the quick", "brown fox", "jumps"]);
    }

    #[test]
    fn chinese_breaks_between_characters_but_not_before_closing_punctuation() {
        // 5 ideographs fit in 10; the comma must travel with the character before it.
        let lines = wrap("销售线索管理，客户服务。", 10.0, &w);
        for l in &lines[1..] {
            assert!(!l.starts_with(is_closing), "{lines:?}");
        }
        assert_eq!(lines.concat(), "销售线索管理，客户服务。");
    }

    #[test]
    fn mixed_text_keeps_latin_words_whole() {
        let lines = wrap("实施CRM系统的Sales模块", 8.0, &w);
        assert!(lines.iter().any(|l| l.contains("CRM")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("Sales")), "{lines:?}");
    }

    #[test]
    fn opening_punctuation_stays_with_what_follows() {
        let lines = wrap("一二三四（五六）", 8.0, &w);
        assert!(!lines[0].ends_with('（'), "{lines:?}");
    }

    #[test]
    fn an_overlong_word_is_cut() {
        let lines = wrap("abcdefghijkl", 5.0, &w);
        assert_eq!(lines, vec!["abcde", "fghij", "kl"]);
    }
}

/// `s` cut to fit `max` with an ellipsis at the end (unchanged when it fits).
pub fn ellipsize(s: &str, max: f32, width: &dyn Fn(&str) -> f32) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut n = chars.len();
    while n > 0 {
        n -= 1;
        let cut: String = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
        if width(&cut) <= max {
            return cut;
        }
    }
    "…".to_string()
}

#[cfg(test)]
mod ellipsis_tests {
    use super::ellipsize;

    #[test]
    fn long_names_are_cut_with_an_ellipsis_and_short_ones_kept() {
        let w = |s: &str| s.chars().count() as f32;
        assert_eq!(ellipsize("short", 10.0, &w), "short");
        assert_eq!(ellipsize("a very long project name", 10.0, &w), "a very lo…");
        assert_eq!(ellipsize("华美电器客户关系管理项目", 5.0, &w), "华美电器…");
        assert_eq!(ellipsize("abc", 0.5, &w), "…");
    }
}
