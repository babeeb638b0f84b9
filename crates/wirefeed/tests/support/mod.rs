//! Files for the tests that run the `wirefeed` binary: writing seeds, reading a site back.
//! Each test binary uses a part of this module.
#![allow(dead_code)]

use std::{
    fs,
    path::{Path, PathBuf},
};

/// Writes `text` to `path`, creating its directories.
pub fn write(path: PathBuf, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Every file under `dir` with its bytes, by `/`-separated relative path, in path order.
pub fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(at) = stack.pop() {
        for entry in fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                found.push((name, fs::read(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}
