//! Plugins only from places no one else can change, as ssh treats its keys.
//!
//! Loading a library runs its code in the host with the host's rights, so whoever can write
//! the library, its manifest, or the directory holding either (and so replace them) can run
//! code as the host. Each of those must be owned by root or by the user the host runs as, and
//! not writable by anyone else (no world write bit; a group write bit only for the owner's
//! private group, see `check_one`). Symbolic links are followed: the
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
        let group = metadata.gid();
        // Group write is what a umask of 002 gives every file of a user whose group is their
        // own (Debian's and Ubuntu's user private groups): harmless when no one else is in
        // the group, as OpenSSH's Debian build also decides for its keys.
        match private_group_of(owner, group) {
            Ok(()) => tracing::debug!(
                path = %path.display(),
                group,
                "plugin {what} is writable by its owner's private group"
            ),
            Err(who) => {
                return Err(format!(
                    "the {what} `{}` is writable by its group {group} (mode {mode:04o}), {who}, who could replace it; \
                     a plugin is loaded only from places no one but its owner and root can change (chmod g-w '{}')",
                    path.display(),
                    path.display()
                ));
            }
        }
    }
    Ok(())
}

/// Whether `group` is the private group of the user `owner`: named as the user, with no
/// member but the user. Err says who else may be in it.
#[cfg(unix)]
#[allow(unsafe_code)]
fn private_group_of(owner: u32, group: u32) -> Result<(), String> {
    use std::ffi::CStr;
    let mut buffer = vec![0 as libc::c_char; 1 << 16];
    // SAFETY: the *_r lookups write only into `entry` and `buffer`, whose sizes we pass, and
    // the pointers read below point into them; both outlive every read.
    let owner_name = unsafe {
        let mut entry: libc::passwd = std::mem::zeroed();
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        let status = libc::getpwuid_r(
            owner,
            &mut entry,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut found,
        );
        if status != 0 || found.is_null() {
            return Err(format!(
                "and its owner {owner} has no entry in the user database to tell whether the group is theirs alone"
            ));
        }
        CStr::from_ptr(entry.pw_name).to_string_lossy().into_owned()
    };
    // SAFETY: as above; `gr_mem` is a NULL-terminated array of C strings inside `buffer`.
    unsafe {
        let mut entry: libc::group = std::mem::zeroed();
        let mut found: *mut libc::group = std::ptr::null_mut();
        let status = libc::getgrgid_r(
            group,
            &mut entry,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut found,
        );
        if status != 0 || found.is_null() {
            return Err("which is not in the group database, so its members are unknown".into());
        }
        let name = CStr::from_ptr(entry.gr_name).to_string_lossy().into_owned();
        if name != owner_name {
            return Err(format!(
                "`{name}`, not the private group of its owner `{owner_name}`"
            ));
        }
        let mut member = entry.gr_mem;
        while !member.is_null() && !(*member).is_null() {
            let member_name = CStr::from_ptr(*member).to_string_lossy();
            if member_name != owner_name {
                return Err(format!("`{name}`, which has the member `{member_name}`"));
            }
            member = member.add(1);
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_one(_path: &Path, _user: u32, _what: &str) -> Result<(), String> {
    Ok(())
}
