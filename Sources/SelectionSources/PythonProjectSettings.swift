import Config
import Foundation
public import Model
public import Selection

/// Reads what decides a pytest suite's module layout from the project's own files: pytest's
/// settings (pytest.ini, pyproject.toml, tox.ini, setup.cfg: `pythonpath`, `python_files`,
/// `addopts`), the packaging metadata that says where the packages live (setuptools
/// `package-dir` and `packages.find.where`, hatch, poetry, pdm, setup.py's `package_dir`),
/// `pytest11` entry points, the suite's `PYTHONPATH`, `PYTEST_ADDOPTS` and command, and the src
/// layout visible in the file list.
public enum PythonProjectSettings {
    /// The ini-style files pytest reads, in its order of precedence within one directory.
    static let configFiles = ["pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg", "setup.py"]

    /// The layout of the suite in `directory` (repository-relative, "" for the root), whose
    /// files are `paths` (suite-relative). `read` returns the text of repository-relative paths
    /// (empty for a missing file). Settings are looked for in the suite directory and each
    /// directory above it up to the repository root.
    public static func layout(
        directory: String, paths: [String], suite: SuiteDefinition, read: ([String]) throws(TestfleetError) -> [String]
    ) throws(TestfleetError) -> PythonProjectLayout {
        var layout = PythonProjectLayout()
        var directories = [directory]
        var parts = directory.split(separator: "/")
        while !parts.isEmpty {
            parts.removeLast()
            directories.append(parts.joined(separator: "/"))
        }
        let requests = directories.flatMap { folder in configFiles.map { folder.isEmpty ? $0 : folder + "/" + $0 } }
        let texts = try read(requests)
        var pytestSettingsFound = false
        for (position, folder) in directories.enumerated() {
            var files: [String: String] = [:]
            for (offset, name) in configFiles.enumerated() where !texts[position * configFiles.count + offset].isEmpty {
                files[name] = texts[position * configFiles.count + offset]
            }
            let place = Place(iniDirectory: folder, suiteDirectory: directory)
            if !pytestSettingsFound, let options = pytestOptions(files, place: place, layout: &layout) {
                pytestSettingsFound = true
                apply(options, place: place, layout: &layout)
            }
            packagingRoots(files, place: place, layout: &layout)
        }
        if let pythonPath = suite.environment["PYTHONPATH"] {
            for entry in pythonPath.split(separator: ":") where !entry.isEmpty {
                let entry = String(entry)
                let relative = entry.hasPrefix("/") ? relativeToSuite(absolute: entry, suite: suite.directory) : entry
                if let relative {
                    layout.addRoot(relative, reason: "PYTHONPATH in the suite's env")
                } else {
                    layout.notes.append("PYTHONPATH entry \(entry) is outside the suite directory; changes there run everything")
                }
            }
        }
        var arguments = suite.environment["PYTEST_ADDOPTS"].map { words($0) } ?? []
        arguments += suite.command.map { words($0) } ?? []
        if let command = suite.command { addRunner(words(command), layout: &layout) }
        applyArguments(arguments, source: "the suite's command or PYTEST_ADDOPTS", layout: &layout)
        layout.addLayoutRoots(paths: paths)
        return layout
    }

    /// Where an ini file sits relative to the suite: its paths are relative to its own directory.
    struct Place {
        var iniDirectory: String
        var suiteDirectory: String

        /// `path` from the ini file's directory, made relative to the suite directory; one
        /// outside the suite directory starts with `..` (`PythonProjectLayout.addRoot` notes it).
        func suiteRelative(_ path: String) -> String {
            var parts: [Substring] = []
            for part in (iniDirectory + "/" + path).split(separator: "/") where part != "." {
                if part == "..", !parts.isEmpty { parts.removeLast() } else { parts.append(part) }
            }
            let inRepository = parts.joined(separator: "/")
            if suiteDirectory.isEmpty || inRepository == suiteDirectory { return suiteDirectory.isEmpty ? inRepository : "" }
            if inRepository.hasPrefix(suiteDirectory + "/") { return String(inRepository.dropFirst(suiteDirectory.count + 1)) }
            return "../" + inRepository
        }

        func file(_ name: String) -> String { iniDirectory.isEmpty ? name : iniDirectory + "/" + name }
    }

    /// pytest's options from the first file in `files` that holds them: (file, pythonpath,
    /// python_files, addopts).
    static func pytestOptions(_ files: [String: String], place: Place, layout: inout PythonProjectLayout)
        -> (file: String, pythonPath: [String], pythonFiles: [String], addopts: [String])?
    {
        for name in ["pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"] {
            guard let text = files[name] else { continue }
            if name == "pyproject.toml" {
                guard let document = toml(text, file: place.file(name), layout: &layout),
                    let options = document["tool"]?["pytest"]?["ini_options"]
                else { continue }
                return (place.file(name), strings(options["pythonpath"]), strings(options["python_files"]),
                        strings(options["addopts"]).flatMap { words($0) })
            }
            let ini = INISections(text)
            let section = name == "tox.ini" ? "pytest" : name == "setup.cfg" ? "tool:pytest" : "pytest"
            guard ini[section] != nil else { continue }
            return (place.file(name), ini.words(section, "pythonpath") ?? [], ini.words(section, "python_files") ?? [],
                    ini.words(section, "addopts") ?? [])
        }
        return nil
    }

    static func apply(
        _ options: (file: String, pythonPath: [String], pythonFiles: [String], addopts: [String]), place: Place,
        layout: inout PythonProjectLayout
    ) {
        for entry in options.pythonPath {
            layout.addRoot(place.suiteRelative(entry), reason: "pythonpath = \(entry) in \(options.file)")
        }
        layout.testFilePatterns += options.pythonFiles
        applyArguments(options.addopts, source: "addopts in \(options.file)", layout: &layout)
    }

    /// `-p name` plugins and `--doctest-modules` (every module then holds tests).
    static func applyArguments(_ arguments: [String], source: String, layout: inout PythonProjectLayout) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            var plugin: String?
            if argument == "-p", index + 1 < arguments.count {
                plugin = arguments[index + 1]
                index += 1
            } else if argument.hasPrefix("-p"), argument.count > 2, !argument.hasPrefix("--") {
                plugin = String(argument.dropFirst(2))
            } else if argument == "--doctest-modules" {
                layout.testFilePatterns.append("*.py")
                layout.notes.append("--doctest-modules (\(source)): every module holds tests, so every module is a test file")
            }
            if let plugin, !plugin.hasPrefix("no:") {
                layout.plugins.append(.init(module: plugin, reason: "-p \(plugin) in \(source)"))
            }
            index += 1
        }
    }

    /// A suite command that runs Python on a script or module (`python tests/runtests.py`,
    /// Django's runner; `python -m pytest`) loads that runner, and what it imports, for every test:
    /// it is a plugin of every test, like a conftest.py at the top.
    static func addRunner(_ words: [String], layout: inout PythonProjectLayout) {
        guard let program = words.first?.split(separator: "/").last, program.hasPrefix("python") else { return }
        var index = 1
        while index < words.count {
            let word = words[index]
            if word == "-m", index + 1 < words.count {
                let module = words[index + 1]
                layout.plugins.append(.init(module: module, reason: "the suite's command runs python -m \(module)"))
                return
            }
            if word.hasPrefix("-") {
                // Options taking a value as the next word; the rest stand alone.
                if ["-W", "-X", "-c"].contains(word) { index += 1 }
                if word == "-c" { return }
                index += 1
                continue
            }
            guard word.hasSuffix(".py") else { return }
            var parts: [Substring] = []
            for part in word.dropLast(3).split(separator: "/") where part != "." {
                if part == ".." {
                    guard !parts.isEmpty else {
                        layout.notes.append("the suite's command runs \(word), outside the suite directory: a change to it is an unknown path")
                        return
                    }
                    parts.removeLast()
                } else {
                    parts.append(part)
                }
            }
            guard !word.hasPrefix("/"), !parts.isEmpty else { return }
            let module = parts.joined(separator: ".")
            layout.plugins.append(.init(module: module, reason: "the suite's command runs \(word) for every test"))
            return
        }
    }

    static func toml(_ text: String, file: String, layout: inout PythonProjectLayout) -> TOMLValue? {
        do {
            return try TOMLDocument.parse(text, file: file)
        } catch {
            layout.notes.append("\(error.message): its settings are not used, roots are inferred from imports")
            return nil
        }
    }

    /// A TOML string or array of strings as a list.
    static func strings(_ value: TOMLValue?) -> [String] {
        if let text = value?.stringValue { return [text] }
        return value?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Shell-like words (quotes removed; no escapes: pytest options rarely need them).
    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: \.isWhitespace).map { $0.filter { $0 != "\"" && $0 != "'" } }
    }

    static func relativeToSuite(absolute: String, suite: String) -> String? {
        let resolved = URL(fileURLWithPath: absolute).standardizedFileURL.path
        let base = URL(fileURLWithPath: suite).standardizedFileURL.path
        if resolved == base { return "" }
        return resolved.hasPrefix(base + "/") ? String(resolved.dropFirst(base.count + 1)) : nil
    }
}
