//! The `member-center` binary; everything lives in the library (see `cli`).

#[tokio::main]
async fn main() -> std::process::ExitCode {
    member_center::cli::run().await
}
