import Config
import Model
import Selection

/// Where the packaging metadata says the packages live: each such directory is on `sys.path`
/// once the project is installed (`pip install -e .`), as the tests run it.
extension PythonProjectSettings {
    static func packagingRoots(_ files: [String: String], place: Place, layout: inout PythonProjectLayout) {
        if let text = files["pyproject.toml"], let document = toml(text, file: place.file("pyproject.toml"), layout: &layout) {
            pyprojectRoots(document, place: place, layout: &layout)
        }
        if let text = files["setup.cfg"] {
            let ini = INISections(text)
            let file = place.file("setup.cfg")
            if let value = ini["options"]?["package_dir"] { packageDirectory(entries: value, file: file, place: place, layout: &layout) }
            for entry in ini.words("options.packages.find", "where") ?? [] {
                layout.addRoot(place.suiteRelative(entry), reason: "[options.packages.find] where = \(entry) in \(file)")
            }
            if let value = ini["options.entry_points"]?["pytest11"] {
                for line in value.split(separator: "\n") { addEntryPoint(String(line), file: file, layout: &layout) }
            }
        }
        if let text = files["setup.py"] {
            // `package_dir={"": "src"}` is the one setup.py form that moves every package.
            let pattern = #/package_dir\s*=\s*\{\s*["']["']\s*:\s*["']([^"']+)["']/#
            for match in text.matches(of: pattern) {
                layout.addRoot(place.suiteRelative(String(match.1)), reason: "package_dir in \(place.file("setup.py"))")
            }
        }
    }

    static func pyprojectRoots(_ document: TOMLValue, place: Place, layout: inout PythonProjectLayout) {
        let file = place.file("pyproject.toml")
        let setuptools = document["tool"]?["setuptools"]
        for (key, value) in setuptools?["package-dir"]?.tableEntries ?? [] {
            guard let directory = value.stringValue else { continue }
            packageDirectory(entries: "\(key) = \(directory)", file: file, place: place, layout: &layout)
        }
        for entry in strings(setuptools?["packages"]?["find"]?["where"]) {
            layout.addRoot(place.suiteRelative(entry), reason: "[tool.setuptools.packages.find] where in \(file)")
        }
        let hatch = document["tool"]?["hatch"]?["build"]
        for package in strings(hatch?["targets"]?["wheel"]?["packages"]) + strings(hatch?["packages"]) {
            // `packages = ["src/foo"]`: foo is importable from src.
            let parent = package.split(separator: "/").dropLast().joined(separator: "/")
            layout.addRoot(place.suiteRelative(parent.isEmpty ? "." : parent), reason: "hatch packages \(package) in \(file)")
        }
        for package in document["tool"]?["poetry"]?["packages"]?.arrayValue ?? [] {
            if let from = package["from"]?.stringValue {
                layout.addRoot(place.suiteRelative(from), reason: "[tool.poetry] packages from = \(from) in \(file)")
            }
        }
        if let directory = document["tool"]?["pdm"]?["build"]?["package-dir"]?.stringValue {
            layout.addRoot(place.suiteRelative(directory), reason: "[tool.pdm.build] package-dir in \(file)")
        }
        for (_, value) in document["project"]?["entry-points"]?["pytest11"]?.tableEntries ?? [] {
            if let target = value.stringValue { addEntryPoint("plugin = " + target, file: file, layout: &layout) }
        }
    }

    /// setuptools' `package_dir`: `"" = src` puts src on the path; `pkg = lib/pkg` does the same
    /// for lib; a package renamed on install (`pkg = code`) cannot be mapped and is noted.
    static func packageDirectory(entries: String, file: String, place: Place, layout: inout PythonProjectLayout) {
        for line in entries.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { String($0).trimmed }
            guard parts.count == 2 else { continue }
            let (package, directory) = (parts[0], parts[1])
            if package.isEmpty {
                layout.addRoot(place.suiteRelative(directory), reason: "package_dir \"\" = \(directory) in \(file)")
                continue
            }
            let components = directory.split(separator: "/")
            if components.last.map(String.init) == package.split(separator: ".").last.map(String.init) {
                let parent = components.dropLast().joined(separator: "/")
                layout.addRoot(place.suiteRelative(parent.isEmpty ? "." : parent), reason: "package_dir \(package) = \(directory) in \(file)")
            } else {
                layout.notes.append(
                    "package_dir maps \(package) to \(directory) in \(file): imports of \(package) are not mapped, so a "
                        + "change there that no test reaches runs everything")
            }
        }
    }

    /// `name = module:object` of a `pytest11` entry point: pytest loads the module for every test.
    static func addEntryPoint(_ line: String, file: String, layout: inout PythonProjectLayout) {
        let parts = line.split(separator: "=", maxSplits: 1)
        guard parts.count == 2 else { return }
        let target = String(parts[1]).trimmed
        let module = String(target.prefix { $0 != ":" }).trimmed
        guard !module.isEmpty else { return }
        layout.plugins.append(.init(module: module, reason: "pytest11 entry point in \(file)"))
    }
}
