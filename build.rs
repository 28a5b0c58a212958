// Embed the templates into the binary so it runs from anywhere without its source tree.
fn main() {
    minijinja_embed::embed_templates!("templates", &[".html"][..]);
}
