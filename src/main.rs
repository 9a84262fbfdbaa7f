fn main() {
    std::process::exit(nap::cli::main());
}
