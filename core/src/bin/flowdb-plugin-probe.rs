//! `flowdb-plugin-probe LIBRARY`: loads a plugin library as the host does (`dlopen`,
//! abi_stable's checks, the plugin's `describe`) in a process of its own, so that a damaged
//! library crashes this process instead of the host. The host runs it before it loads a
//! library itself (see `flowdb::plugin`'s probe module); an operator may run it by hand.
//!
//! Exit status: 0 the library loads; 2 it refused to load cleanly (the reason on stderr); 64
//! bad command line; a signal or any other status: loading it crashed or aborted.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(library), None) = (args.next(), args.next()) else {
        eprintln!("usage: flowdb-plugin-probe LIBRARY");
        return ExitCode::from(64);
    };
    match flowdb::plugin::probe_library(Path::new(&library)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("{reason}");
            ExitCode::from(2)
        }
    }
}
