//! `cargo run -p nap-input --example check -- DIR [--final]`: the reader on
//! its own, without building the rest of nap.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map_or("inputs", String::as_str);
    let opts = nap_input::LoadOptions {
        final_rules: args.iter().any(|a| a == "--final"),
    };
    let loaded = nap_input::load(std::path::Path::new(dir), &opts);
    let _ = nap_input::report::print(
        &mut std::io::stderr().lock(),
        &loaded,
        std::path::Path::new(dir),
    );
    if args.iter().any(|a| a == "--json") {
        println!("{}", serde_json::to_string_pretty(&loaded.plan).unwrap());
    }
    std::process::exit(i32::from(loaded.has_errors()));
}
