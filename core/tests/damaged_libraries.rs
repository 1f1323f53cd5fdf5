//! Damaged copies of a real plugin library beside its manifest — cut short at many lengths,
//! headers zeroed, fields pointing astray, a build for another machine, a relocation that
//! sends the loader writing anywhere — are refused with the reason, and none takes the host
//! down (the last is caught by the probe process, `flowdb-plugin-probe`, built beside
//! `flowdb`). Each is listed by `flowdb plugins list` in a process
//! of its own, so a crash shows as a signal instead of ending this test.
#![cfg(all(
    target_os = "linux",
    target_pointer_width = "64",
    target_endian = "little"
))]
#![allow(clippy::unwrap_used)]

mod common;

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt as _;
use std::path::Path;
use std::process::Command;

use common::{library, temp_dir};

/// A field of the ELF64 header, program header or dynamic entry, as the test patches it.
fn read_u64(file: &File, offset: u64) -> u64 {
    let mut bytes = [0; 8];
    file.read_exact_at(&mut bytes, offset).unwrap();
    u64::from_le_bytes(bytes)
}

fn read_u16(file: &File, offset: u64) -> u16 {
    let mut bytes = [0; 2];
    file.read_exact_at(&mut bytes, offset).unwrap();
    u16::from_le_bytes(bytes)
}

fn read_u32(file: &File, offset: u64) -> u32 {
    let mut bytes = [0; 4];
    file.read_exact_at(&mut bytes, offset).unwrap();
    u32::from_le_bytes(bytes)
}

/// Where the patched fields are in this library.
struct Layout {
    phoff: u64,
    phnum: u64,
    /// The first PT_LOAD program header.
    first_load: u64,
    /// The DT_SYMTAB entry of the dynamic segment.
    symtab_entry: u64,
    /// The first relocation of `.rela.dyn`, in the file.
    first_relocation: u64,
    /// The GNU hash table, in the file.
    gnu_hash: u64,
    shoff: u64,
    shnum: u64,
}

/// Bytes written at offsets of the library.
type Patches = Vec<(u64, Vec<u8>)>;

const PHDR_SIZE: u64 = 56;
const SHDR_SIZE: u64 = 64;

fn layout(file: &File) -> Layout {
    let phoff = read_u64(file, 0x20);
    let shoff = read_u64(file, 0x28);
    let phnum = u64::from(read_u16(file, 0x38));
    let shnum = u64::from(read_u16(file, 0x3c));
    let headers = (0..phnum).map(|index| phoff + index * PHDR_SIZE);
    let first_load = headers
        .clone()
        .find(|header| read_u32(file, *header) == 1)
        .unwrap();
    let dynamic = headers
        .clone()
        .find(|header| read_u32(file, *header) == 2)
        .unwrap();
    let dynamic_offset = read_u64(file, dynamic + 8);
    let entries: Vec<u64> = (0..)
        .map(|index| dynamic_offset + index * 16)
        .take_while(|entry| read_u64(file, *entry) != 0)
        .collect();
    let symtab_entry = *entries
        .iter()
        .find(|entry| read_u64(file, **entry) == 6)
        .unwrap();
    // Dynamic entries hold addresses; the file offset is where the PT_LOAD holding one maps it
    // from.
    let address_of = |tag: u64| {
        let entry = *entries
            .iter()
            .find(|entry| read_u64(file, **entry) == tag)
            .unwrap();
        read_u64(file, entry + 8)
    };
    let file_offset = |address: u64| {
        headers
            .clone()
            .filter(|header| read_u32(file, *header) == 1)
            .find_map(|header| {
                let offset = read_u64(file, header + 8);
                let start = read_u64(file, header + 16);
                let size = read_u64(file, header + 32);
                (start..start + size)
                    .contains(&address)
                    .then(|| address - start + offset)
            })
            .unwrap()
    };
    let first_relocation = file_offset(address_of(7));
    let gnu_hash = file_offset(address_of(0x6fff_fef5));
    Layout {
        phoff,
        phnum,
        first_load,
        symtab_entry,
        first_relocation,
        gnu_hash,
        shoff,
        shnum,
    }
}

/// What `flowdb plugins list --json` says of the plugin in `dir`: its status and reason.
fn list(home: &Path, dir: &Path) -> (String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_flowdb"))
        .args(["plugins", "list", "--json", "--plugin-path"])
        .arg(dir)
        .env("FLOWDB_HOME", home)
        .env("HOME", home)
        .env_remove("FLOWDB_PLUGIN_PATH")
        .env_remove("FLOWDB_PLUGIN_PROBE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.code().is_some(),
        "flowdb plugins list was killed ({:?}): {stderr}",
        output.status
    );
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let plugin = document["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|plugin| plugin["tier"] == "explicit")
        .unwrap()
        .clone();
    (
        plugin["status"].as_str().unwrap_or_default().to_owned(),
        plugin["reason"].as_str().unwrap_or_default().to_owned(),
    )
}

#[test]
fn damaged_copies_of_a_real_plugin_are_refused_and_never_crash_the_host() {
    let home = temp_dir("damaged-home");
    let dir = temp_dir("damaged-plugin");
    let source = library("flowdb_plugin_sqlite");
    let copy = dir.join(source.file_name().unwrap());
    std::fs::copy(&source, &copy).unwrap();
    let manifest = std::fs::read_to_string(source.with_file_name("sqlite.flowdb-plugin.toml"))
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with("library"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(
        dir.join("sqlite.flowdb-plugin.toml"),
        format!("{manifest}\nlibrary = \"{}\"\n", copy.display()),
    )
    .unwrap();
    let (status, reason) = list(&home, &dir);
    assert_eq!(status, "loaded", "the intact copy: {reason}");

    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&copy)
        .unwrap();
    let at = layout(&file);
    let huge = 0x7fff_ffff_0000_u64.to_le_bytes().to_vec();
    // (what, patches, what the reason must say; None: it may load or not, but not crash)
    let cases: Vec<(&str, Patches, Option<&str>)> = vec![
        (
            "ELF header zeroed",
            vec![(0, vec![0; 64])],
            Some("is not an ELF shared library"),
        ),
        (
            "magic zeroed",
            vec![(0, vec![0; 4])],
            Some("is not an ELF shared library"),
        ),
        (
            "32-bit class",
            vec![(4, vec![1])],
            Some("is a 32-bit library"),
        ),
        (
            "other byte order",
            vec![(5, vec![2])],
            Some("other byte order"),
        ),
        (
            "built for aarch64",
            vec![(0x12, 183_u16.to_le_bytes().to_vec())],
            Some("is built for aarch64; this host is x86_64"),
        ),
        (
            "an executable",
            vec![(0x10, 2_u16.to_le_bytes().to_vec())],
            Some("is not a shared library"),
        ),
        (
            "program header table past the end",
            vec![(0x20, huge.clone())],
            Some("program header table"),
        ),
        (
            "program header count huge",
            vec![(0x38, 0xfffe_u16.to_le_bytes().to_vec())],
            Some("damaged"),
        ),
        (
            "program headers zeroed",
            vec![(at.phoff, vec![0; (at.phnum * PHDR_SIZE) as usize])],
            Some("no dynamic segment"),
        ),
        (
            "a segment past the end",
            vec![(at.first_load + 32, huge.clone())],
            Some("is cut short or damaged: segment"),
        ),
        (
            "a segment with no memory",
            vec![(at.first_load + 40, vec![0; 8])],
            Some("bytes of memory"),
        ),
        (
            "dynamic symbol table astray",
            vec![(at.symtab_entry + 8, huge.clone())],
            Some("points at"),
        ),
        (
            "section header table past the end",
            vec![(0x28, huge.clone())],
            Some("section header table"),
        ),
        (
            "section headers zeroed",
            vec![(at.shoff, vec![0; (at.shnum * SHDR_SIZE) as usize])],
            None,
        ),
        // Structurally sound, but the loader would write far outside the library: only a
        // process that loads it can tell, and it dies (the probe process, not the host).
        // Its first symbol far past the symbols: lookups read astray, crashing or not
        // depending on where the library is mapped.
        (
            "GNU hash table astray",
            vec![(at.gnu_hash + 4, 0x0800_0000_u32.to_le_bytes().to_vec())],
            Some("GNU hash table"),
        ),
        (
            "a relocation astray",
            vec![(at.first_relocation, huge.clone())],
            Some("crashed with signal 11 (SIGSEGV) in a probe process"),
        ),
    ];
    for (what, patches, says) in cases {
        let originals: Vec<(u64, Vec<u8>)> = patches
            .iter()
            .map(|(offset, bytes)| {
                let mut original = vec![0; bytes.len()];
                file.read_exact_at(&mut original, *offset).unwrap();
                (*offset, original)
            })
            .collect();
        for (offset, bytes) in &patches {
            file.write_all_at(bytes, *offset).unwrap();
        }
        let (status, reason) = list(&home, &dir);
        if let Some(says) = says {
            assert_eq!(status, "failed", "{what}: {reason}");
            assert!(
                reason.contains(says) && reason.contains("reinstall or rebuild"),
                "{what}: {reason}"
            );
        }
        for (offset, bytes) in &originals {
            file.write_all_at(bytes, *offset).unwrap();
        }
    }

    // Cut short, from one byte short to nothing, as an interrupted copy leaves it.
    let len = file.metadata().unwrap().len();
    for cut in [
        len - 1,
        len / 2,
        len / 4,
        65_536,
        4096,
        1024,
        100,
        64,
        63,
        16,
        4,
        1,
        0,
    ] {
        file.set_len(cut).unwrap();
        let (status, reason) = list(&home, &dir);
        assert_eq!(status, "failed", "cut to {cut} bytes: {reason}");
        assert!(
            reason.contains("cut short") || reason.contains("cut-short"),
            "cut to {cut} bytes: {reason}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&home);
}
