//! `sixpoint lsp`: the language server over stdio, until the editor closes it.

use super::Exit;

pub fn run() -> Exit {
    match crate::lsp::run_stdio() {
        Ok(()) => Exit::Clean,
        Err(e) => {
            errln!("error: the language server stopped: {e}");
            Exit::Failed
        }
    }
}
