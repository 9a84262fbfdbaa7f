/// mimalloc instead of glibc's malloc: the build allocates and frees many
/// small strings, glyph runs and boxes from several threads, and glibc's
/// allocator was ~10 % of the CPU profile (docs/performance.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(nap::cli::main());
}
