//! Plugins only from places no one else can change, as ssh treats its keys.
//!
//! Loading a library runs its code in the host with the host's rights, so whoever can write
//! the library, its manifest, or the directory holding either (and so replace them) can run
//! code as the host. Each of those must be owned by root or by the user the host runs as, and
//! not writable by anyone else (no world write bit; a group write bit is warned about, see
//! `check_one`). Symbolic links are followed: the
//! file they lead to, and its directory, are what is checked. Ancestor directories are not
//! (a plugin directory under `/tmp` of mode 0755 is trusted; `/tmp` itself is not a plugin
//! directory).

use std::path::Path;

/// Checks the manifest, the library and the directories holding them; the error names the
/// path, what is wrong and the command that fixes it.
pub(crate) fn check_trusted(manifest: &Path, library: &Path) -> Result<(), String> {
    let user = current_user();
    for file in [manifest, library] {
        let resolved = std::fs::canonicalize(file)
            .map_err(|err| format!("`{}` cannot be resolved: {err}", file.display()))?;
        check_one(&resolved, user, "file")?;
        if let Some(dir) = resolved.parent() {
            check_one(dir, user, "directory")?;
        }
    }
    Ok(())
}

#[cfg(unix)]
#[allow(unsafe_code)]
fn current_user() -> u32 {
    // SAFETY: geteuid takes nothing, cannot fail and touches no memory of ours.
    unsafe { libc::geteuid() }
}

#[cfg(not(unix))]
fn current_user() -> u32 {
    0
}

#[cfg(unix)]
fn check_one(path: &Path, user: u32, what: &str) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt as _;
    let metadata = std::fs::metadata(path)
        .map_err(|err| format!("`{}` cannot be read: {err}", path.display()))?;
    let owner = metadata.uid();
    if owner != 0 && owner != user {
        return Err(format!(
            "the {what} `{}` is owned by user {owner}, neither root nor the user flowdb runs as ({user}), who could replace it; \
             a plugin is loaded only from places no one else can change (chown it to root or to yourself)",
            path.display()
        ));
    }
    let mode = metadata.mode() & 0o7777;
    if mode & 0o002 != 0 {
        return Err(format!(
            "the {what} `{}` is writable by anyone (mode {mode:04o}), who could replace it; \
             a plugin is loaded only from places no one but its owner and root can change (chmod go-w '{}')",
            path.display(),
            path.display()
        ));
    }
    if mode & 0o020 != 0 {
        // Group write is what a umask of 002 gives every file of a user whose group is their
        // own (Debian's and Ubuntu's user private groups), so refusing it would refuse every
        // plugin such a user builds; telling a private group from a shared one needs the
        // group and password databases. Warned about, for now.
        tracing::warn!(
            path = %path.display(),
            "the plugin {what} is writable by its group (mode {mode:04o}); if others are in that group, they could replace it (chmod g-w)"
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_one(_path: &Path, _user: u32, _what: &str) -> Result<(), String> {
    Ok(())
}
