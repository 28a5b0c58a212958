//! What printpdf does not write, added to its object tree before saving: the outline
//! (bookmarks) nested by heading level, each pointing at its heading's exact place; the
//! contents page's lines, and the rows of tables that refer to a section, as links to the
//! same places; the document information (title,
//! author = the generating user, subject, creation date) and the catalogue's `/Lang`.
use super::{Document, Entry, PAGE_H};
use lopdf::{Dictionary, Object, ObjectId, StringFormat};

/// A PDF text string: UTF-16BE with its byte-order mark (Chinese titles read right).
fn text(s: &str) -> Object {
    let mut b = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(b, StringFormat::Hexadecimal)
}

fn pdf_date(t: &chrono::DateTime<chrono::Utc>) -> Object {
    Object::String(t.format("D:%Y%m%d%H%M%SZ").to_string().into_bytes(), StringFormat::Literal)
}

/// Where a heading is: its page and its top, a little above the text.
fn dest(page: ObjectId, y: f32) -> Object {
    Object::Array(vec![
        Object::Reference(page),
        Object::Name(b"XYZ".to_vec()),
        Object::Null,
        Object::Real(PAGE_H - y + 6.0),
        Object::Null,
    ])
}

pub(super) fn finish(
    lo: &mut lopdf::Document,
    doc: &Document,
    toc: &[Entry],
    front: usize,
    links: &[([f32; 4], usize)],
    rows: &[(usize, [f32; 4], usize)],
) {
    let pages: Vec<ObjectId> = lo.get_pages().values().copied().collect();
    let target = |e: &Entry| pages.get(e.page + front).copied();

    // The outline: level-1 headings at the top, level-2 headings under the one before.
    let root_catalog = lo.trailer.get(b"Root").and_then(Object::as_reference).ok();
    if !toc.is_empty() {
        let outlines = lo.new_object_id();
        let ids: Vec<ObjectId> = toc.iter().map(|_| lo.new_object_id()).collect();
        // Parent of each entry: the outline root or the latest level-1 entry.
        let mut parent: Vec<Option<usize>> = Vec::with_capacity(toc.len());
        let mut last_top: Option<usize> = None;
        for (i, e) in toc.iter().enumerate() {
            if e.level <= 1 || last_top.is_none() {
                parent.push(None);
                last_top = Some(i);
            } else {
                parent.push(last_top);
            }
        }
        let children = |p: Option<usize>| -> Vec<usize> { (0..toc.len()).filter(|&i| parent[i] == p).collect() };
        let top = children(None);
        for (i, e) in toc.iter().enumerate() {
            let Some(page) = target(e) else { continue };
            let siblings = children(parent[i]);
            let at = siblings.iter().position(|&s| s == i).unwrap_or(0);
            let mut d = Dictionary::new();
            d.set("Title", text(&e.title));
            d.set("Parent", Object::Reference(parent[i].map_or(outlines, |p| ids[p])));
            d.set("Dest", dest(page, e.y));
            if at > 0 {
                d.set("Prev", Object::Reference(ids[siblings[at - 1]]));
            }
            if let Some(&n) = siblings.get(at + 1) {
                d.set("Next", Object::Reference(ids[n]));
            }
            let kids = children(Some(i));
            if let (Some(&f), Some(&l)) = (kids.first(), kids.last()) {
                d.set("First", Object::Reference(ids[f]));
                d.set("Last", Object::Reference(ids[l]));
                // Open: the reader sees the sections at once.
                d.set("Count", Object::Integer(kids.len() as i64));
            }
            lo.objects.insert(ids[i], Object::Dictionary(d));
        }
        let mut o = Dictionary::new();
        o.set("Type", Object::Name(b"Outlines".to_vec()));
        o.set("Count", Object::Integer(toc.len() as i64));
        if let (Some(&f), Some(&l)) = (top.first(), top.last()) {
            o.set("First", Object::Reference(ids[f]));
            o.set("Last", Object::Reference(ids[l]));
        }
        lo.objects.insert(outlines, Object::Dictionary(o));
        if let Some(Ok(cat)) = root_catalog.map(|r| lo.get_object_mut(r).and_then(Object::as_dict_mut)) {
            cat.set("Outlines", Object::Reference(outlines));
            cat.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        }
    }
    if let Some(Ok(cat)) = root_catalog.map(|r| lo.get_object_mut(r).and_then(Object::as_dict_mut)) {
        cat.set("Lang", Object::String(doc.lang.as_bytes().to_vec(), StringFormat::Literal));
    }

    // The contents page's lines (page 2) and the linked table rows go to their headings.
    let mut by_page: std::collections::BTreeMap<usize, Vec<Object>> = Default::default();
    for (page, rect, i) in links.iter().map(|(r, i)| (1usize, *r, *i)).chain(rows.iter().copied()) {
        let Some(to) = toc.get(i).and_then(|e| target(e).map(|p| (p, e.y))) else { continue };
        let mut a = Dictionary::new();
        a.set("Type", Object::Name(b"Annot".to_vec()));
        a.set("Subtype", Object::Name(b"Link".to_vec()));
        a.set(
            "Rect",
            Object::Array(
                [rect[0], PAGE_H - rect[3], rect[2], PAGE_H - rect[1]].into_iter().map(Object::Real).collect(),
            ),
        );
        a.set("Border", Object::Array(vec![Object::Integer(0), Object::Integer(0), Object::Integer(0)]));
        a.set("Dest", dest(to.0, to.1));
        by_page.entry(page).or_default().push(Object::Reference(lo.add_object(a)));
    }
    for (page, annots) in by_page {
        let Some(&id) = pages.get(page) else { continue };
        if let Ok(p) = lo.get_object_mut(id).and_then(Object::as_dict_mut) {
            p.set("Annots", Object::Array(annots));
        }
    }

    // Document information.
    let mut info = Dictionary::new();
    info.set("Title", text(&doc.title));
    info.set("Author", text(&doc.author));
    info.set("Subject", text(&doc.subject));
    info.set("Keywords", text(&format!("{}; {}", doc.client, doc.project)));
    info.set("Creator", text("Ninefold"));
    info.set("Producer", text("Ninefold (printpdf)"));
    info.set("CreationDate", pdf_date(&doc.created));
    info.set("ModDate", pdf_date(&doc.created));
    match lo.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => {
            lo.objects.insert(id, Object::Dictionary(info));
        }
        Err(_) => {
            let id = lo.add_object(info);
            lo.trailer.set("Info", Object::Reference(id));
        }
    }
}
