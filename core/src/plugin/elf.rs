//! A plugin library's ELF structure, checked before the library is mapped.
//!
//! The dynamic loader trusts the file it maps: a copy cut short has segments that reach past
//! its end, and touching them raised SIGBUS in the host (`flowdb plugins list` died on the
//! first kilobytes of a real plugin beside its manifest); headers zeroed or pointing astray
//! crash it too. So before `dlopen`, the file is read as the loader will read it — header,
//! program headers, the dynamic segment, section headers — and refused with the reason when
//! something is not where a loadable library for this machine has it. Only those tables are
//! read (through `object`'s read cache), not the whole file.
//!
//! What this cannot see: damage inside code or data the loader does not interpret (a byte
//! flipped in a function) shows only when that code runs.

use std::fs::File;
use std::path::Path;

use object::read::elf::{Dyn as _, FileHeader as _, ProgramHeader as _, SectionHeader as _};
use object::{Endianness, ReadCache, ReadRef as _, elf};

#[cfg(target_pointer_width = "64")]
type Header = elf::FileHeader64<Endianness>;
#[cfg(target_pointer_width = "32")]
type Header = elf::FileHeader32<Endianness>;

#[cfg(target_pointer_width = "64")]
const HOST_CLASS: u8 = elf::ELFCLASS64;
#[cfg(target_pointer_width = "32")]
const HOST_CLASS: u8 = elf::ELFCLASS32;

#[cfg(target_endian = "little")]
const HOST_DATA: u8 = elf::ELFDATA2LSB;
#[cfg(target_endian = "big")]
const HOST_DATA: u8 = elf::ELFDATA2MSB;

/// Dynamic entries that hold an address inside the library's loaded segments.
const ADDRESS_TAGS: &[u32] = &[
    elf::DT_PLTGOT,
    elf::DT_HASH,
    elf::DT_STRTAB,
    elf::DT_SYMTAB,
    elf::DT_RELA,
    elf::DT_INIT,
    elf::DT_FINI,
    elf::DT_REL,
    elf::DT_JMPREL,
    elf::DT_INIT_ARRAY,
    elf::DT_FINI_ARRAY,
    elf::DT_GNU_HASH,
    elf::DT_VERSYM,
    elf::DT_VERDEF,
    elf::DT_VERNEED,
];

/// The largest alignment a segment may ask for: a 64 KiB page, the largest Linux uses.
const MAX_ALIGN: u64 = 1 << 16;

/// The largest thread-local segment accepted (each thread of the host gets a copy).
const MAX_TLS: u64 = 1 << 24;

/// Dynamic tables and the entries that give their sizes.
const SIZED_TABLES: &[(u32, u32)] = &[
    (elf::DT_STRTAB, elf::DT_STRSZ),
    (elf::DT_RELA, elf::DT_RELASZ),
    (elf::DT_REL, elf::DT_RELSZ),
    (elf::DT_JMPREL, elf::DT_PLTRELSZ),
    (elf::DT_INIT_ARRAY, elf::DT_INIT_ARRAYSZ),
    (elf::DT_FINI_ARRAY, elf::DT_FINI_ARRAYSZ),
];

/// The machines ELF names, for messages.
fn machine_name(machine: u16) -> String {
    match machine {
        elf::EM_386 => "x86".into(),
        elf::EM_X86_64 => "x86_64".into(),
        elf::EM_ARM => "arm".into(),
        elf::EM_AARCH64 => "aarch64".into(),
        elf::EM_RISCV => "riscv".into(),
        elf::EM_PPC64 => "powerpc64".into(),
        elf::EM_S390 => "s390x".into(),
        elf::EM_LOONGARCH => "loongarch".into(),
        other => format!("machine {other}"),
    }
}

/// This host's ELF machine, where known.
fn host_machine() -> Option<u16> {
    Some(match std::env::consts::ARCH {
        "x86" => elf::EM_386,
        "x86_64" => elf::EM_X86_64,
        "arm" => elf::EM_ARM,
        "aarch64" => elf::EM_AARCH64,
        "riscv64" | "riscv32" => elf::EM_RISCV,
        "powerpc64" => elf::EM_PPC64,
        "s390x" => elf::EM_S390,
        "loongarch64" => elf::EM_LOONGARCH,
        _ => return None,
    })
}

/// Checks that `path` is an ELF shared library for this machine whose loader tables lie
/// inside the file; the error says what is wrong.
// ELF words are u32 on 32-bit targets: the conversions to u64 are not useless there.
#[allow(clippy::useless_conversion)]
pub(crate) fn check_library_structure(path: &Path) -> Result<(), String> {
    let file = File::open(path).map_err(|err| format!("cannot be read: {err}"))?;
    let len = file
        .metadata()
        .map_err(|err| format!("cannot be read: {err}"))?
        .len();
    let cache = ReadCache::new(file);
    let data = &cache;

    let header_size = std::mem::size_of::<Header>() as u64;
    let too_short = || format!("is {len} bytes, too short for an ELF header: a copy cut short?");
    let ident = data
        .read_bytes_at(0, len.min(header_size))
        .map_err(|()| too_short())?;
    if ident.len() < 4 {
        return Err(too_short());
    }
    if ident[..4] != elf::ELFMAG {
        return Err(format!(
            "is not an ELF shared library (it starts with {:02x?}, not an ELF header; zeroed or overwritten?)",
            &ident[..4]
        ));
    }
    if len < header_size {
        return Err(too_short());
    }
    if ident[4] != HOST_CLASS {
        return Err(format!(
            "is a {}-bit library; this host is {}-bit",
            if ident[4] == elf::ELFCLASS32 { 32 } else { 64 },
            usize::BITS
        ));
    }
    if ident[5] != HOST_DATA {
        return Err("has the other byte order than this host's".into());
    }
    let header = Header::parse(data).map_err(|err| format!("has a damaged ELF header: {err}"))?;
    let endian = header
        .endian()
        .map_err(|err| format!("has a damaged ELF header: {err}"))?;
    if header.e_type(endian) != elf::ET_DYN {
        return Err(format!(
            "is not a shared library (its ELF type is {}, not ET_DYN)",
            header.e_type(endian)
        ));
    }
    let machine = header.e_machine(endian);
    if let Some(host) = host_machine()
        && machine != host
    {
        return Err(format!(
            "is built for {}; this host is {}",
            machine_name(machine),
            machine_name(host)
        ));
    }

    let segments = header
        .program_headers(endian, data)
        .map_err(|err| format!("has a damaged or cut-short program header table: {err}"))?;
    if segments.is_empty() {
        return Err("has no program headers, so nothing to load".into());
    }
    // (address, end in memory, file offset, bytes from the file) of each PT_LOAD.
    let mut loaded: Vec<(u64, u64, u64, u64)> = Vec::new();
    let mut dynamic = None;
    for (index, segment) in segments.iter().enumerate() {
        let offset: u64 = segment.p_offset(endian).into();
        let file_size: u64 = segment.p_filesz(endian).into();
        within_file(offset, file_size, len, "segment", index)?;
        // The loader aligns segments (and every thread's copy of the thread-local one) as
        // they say: an alignment that is no power of two, or absurdly large, aborted a host
        // that already ran threads ("cannot allocate memory for thread-local data").
        let align: u64 = segment.p_align(endian).into();
        if align > 1 && (!align.is_power_of_two() || align > MAX_ALIGN) {
            return Err(format!(
                "is damaged: segment {index} asks for an alignment of {align} bytes"
            ));
        }
        match segment.p_type(endian) {
            elf::PT_TLS => {
                let memory_size: u64 = segment.p_memsz(endian).into();
                if memory_size < file_size || memory_size > MAX_TLS {
                    return Err(format!(
                        "is damaged: its thread-local segment holds {file_size} bytes of the file in {memory_size} bytes of memory"
                    ));
                }
            }
            elf::PT_LOAD => {
                let address: u64 = segment.p_vaddr(endian).into();
                let memory_size: u64 = segment.p_memsz(endian).into();
                if memory_size < file_size {
                    return Err(format!(
                        "is damaged: segment {index} holds {file_size} bytes of the file in {memory_size} bytes of memory"
                    ));
                }
                loaded.push((
                    address,
                    address.saturating_add(memory_size),
                    offset,
                    file_size,
                ));
            }
            elf::PT_DYNAMIC => dynamic = Some(segment),
            _ => {}
        }
    }
    let dynamic = dynamic.ok_or("has no dynamic segment, so it is no shared library")?;
    let entries = dynamic
        .dynamic(endian, data)
        .map_err(|err| format!("has a damaged dynamic segment: {err}"))?
        .unwrap_or_default();
    let inside = |start: u64, size: u64| {
        let end = start.saturating_add(size);
        loaded
            .iter()
            .any(|(from, to, _, _)| *from <= start && start < *to && end <= *to)
    };
    let mut values: Vec<(u32, u64)> = Vec::new();
    for entry in entries {
        let tag: u64 = entry.d_tag(endian).into();
        if tag == u64::from(elf::DT_NULL) {
            break;
        }
        if let Ok(tag) = u32::try_from(tag) {
            values.push((tag, entry.d_val(endian).into()));
        }
    }
    let value = |wanted: u32| {
        values
            .iter()
            .find(|(tag, _)| *tag == wanted)
            .map(|(_, value)| *value)
    };
    for (tag, address) in &values {
        if !ADDRESS_TAGS.contains(tag) {
            continue;
        }
        // The tables the loader walks must lie inside what it maps, whole.
        let size = SIZED_TABLES
            .iter()
            .find(|(table, _)| table == tag)
            .and_then(|(_, size_tag)| value(*size_tag))
            .unwrap_or(0);
        if !inside(*address, size) {
            return Err(format!(
                "is damaged: its dynamic entry {tag:#x} points at {address:#x} ({size} bytes), outside what it loads"
            ));
        }
    }

    let sections = header
        .section_headers(endian, data)
        .map_err(|err| format!("has a damaged or cut-short section header table: {err}"))?;
    for (index, section) in sections.iter().enumerate() {
        if section.sh_type(endian) == elf::SHT_NOBITS {
            continue;
        }
        within_file(
            section.sh_offset(endian).into(),
            section.sh_size(endian).into(),
            len,
            "section",
            index,
        )?;
    }

    if let Some(address) = value(elf::DT_GNU_HASH) {
        let symbols = sections
            .iter()
            .find(|section| section.sh_type(endian) == elf::SHT_DYNSYM)
            .and_then(|section| {
                let size: u64 = section.sh_size(endian).into();
                let entry: u64 = section.sh_entsize(endian).into();
                (entry > 0).then(|| size / entry)
            });
        let file_offset = |address: u64, size: u64| {
            loaded.iter().find_map(|(from, _, offset, file_size)| {
                let within = address.checked_sub(*from)?;
                (within.saturating_add(size) <= *file_size).then(|| offset + within)
            })
        };
        check_gnu_hash(data, address, symbols, &file_offset)?;
    }
    Ok(())
}

/// A segment's or section's bytes lie inside the `len`-byte file.
fn within_file(offset: u64, size: u64, len: u64, what: &str, index: usize) -> Result<(), String> {
    let end = offset.saturating_add(size);
    if end > len {
        return Err(format!(
            "is cut short or damaged: {what} {index} ends at byte {end}, past the end of the {len}-byte file"
        ));
    }
    Ok(())
}

/// The GNU hash table steers every symbol lookup the loader makes in the library; a count or
/// index in it pointing past the symbols made the loader read astray, crashing the host or not
/// depending on where the library happened to be mapped.
fn check_gnu_hash(
    data: &ReadCache<File>,
    address: u64,
    symbols: Option<u64>,
    file_offset: &dyn Fn(u64, u64) -> Option<u64>,
) -> Result<(), String> {
    let damaged = |what: &str| format!("is damaged: its GNU hash table {what}");
    let word = |at: u64| -> Result<u32, String> {
        let offset = file_offset(at, 4).ok_or_else(|| damaged("reaches outside the file"))?;
        let bytes = data
            .read_bytes_at(offset, 4)
            .map_err(|()| damaged("reaches outside the file"))?;
        let bytes: [u8; 4] = bytes.try_into().map_err(|_| damaged("cannot be read"))?;
        Ok(if cfg!(target_endian = "little") {
            u32::from_le_bytes(bytes)
        } else {
            u32::from_be_bytes(bytes)
        })
    };
    let buckets = u64::from(word(address)?);
    let symbol_offset = u64::from(word(address + 4)?);
    let bloom_words = u64::from(word(address + 8)?);
    let bloom_shift = word(address + 12)?;
    if bloom_words == 0 || !bloom_words.is_power_of_two() || bloom_shift >= usize::BITS {
        return Err(damaged("has a malformed header"));
    }
    let buckets_at = address + 16 + bloom_words * (usize::BITS as u64 / 8);
    let chains_at = buckets_at + buckets * 4;
    let Some(symbols) = symbols else {
        return Ok(());
    };
    if symbol_offset > symbols {
        return Err(damaged(&format!(
            "starts at symbol {symbol_offset} of {symbols}"
        )));
    }
    for bucket in 0..buckets {
        let mut index = u64::from(word(buckets_at + bucket * 4)?);
        if index == 0 {
            continue;
        }
        // A chain runs from its bucket's first symbol to an entry with the low bit set.
        loop {
            if index < symbol_offset || index >= symbols {
                return Err(damaged(&format!("leads to symbol {index} of {symbols}")));
            }
            if word(chains_at + (index - symbol_offset) * 4)? & 1 == 1 {
                break;
            }
            index += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn this_test_binary_is_not_a_shared_library() {
        // Executables are ET_EXEC or (position-independent) ET_DYN: either way the check
        // reads a real, whole ELF file without refusing it for its structure.
        let exe = std::env::current_exe().unwrap_or_default();
        match check_library_structure(&exe) {
            Ok(()) => {}
            Err(reason) => assert!(reason.contains("not a shared library"), "{reason}"),
        }
    }

    #[test]
    fn short_and_foreign_files_are_refused_with_the_reason() {
        let dir = std::env::temp_dir().join(format!("flowdb-elf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let short = dir.join("short.so");
        std::fs::write(&short, b"\x7fEL").unwrap_or_default();
        let reason = check_library_structure(&short).unwrap_err();
        assert!(reason.contains("3 bytes, too short"), "{reason}");
        let text = dir.join("text.so");
        std::fs::write(&text, b"#!/bin/sh\necho not a library\n").unwrap_or_default();
        let reason = check_library_structure(&text).unwrap_err();
        assert!(reason.contains("not an ELF shared library"), "{reason}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
