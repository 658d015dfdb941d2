use std::time::Instant;
fn main() {
    let t = Instant::now();
    let auditor = sourcing::Auditor::builtin().unwrap();
    let a = t.elapsed();
    let t = Instant::now();
    let m = auditor.rules.matcher();
    let b = t.elapsed();
    let t = Instant::now();
    m.prepare(&auditor.rules.rules);
    let c = t.elapsed();
    println!("load {a:?} matcher::new {b:?} prepare twins {c:?}");
}
