import GRDB
import Foundation

/// One lint or import-rule violation (`testfleet ingest lint`).
public struct LintViolation: Sendable, Hashable {
    public var path: String
    /// 1-based line; 0 when the tool gave none (a file-level finding).
    public var line: Int
    /// 1-based column; 0 when the tool gave none.
    public var column: Int
    /// The rule, e.g. `E501` or `F401` ("" when the tool has no codes).
    public var code: String
    public var message: String

    public init(path: String, line: Int, column: Int, code: String, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.code = code
        self.message = message
    }
}

extension Store {
    /// Records one tool's violations for a build and/or commit in one transaction.
    public func recordLint(_ violations: [LintViolation], tool: String, build: String?, commit: String?) throws(StoreError) {
        try write { db in
            let now = Date().timeIntervalSince1970
            let statement = try db.makeStatement(sql: """
                INSERT INTO lint_violation (build_id, commit_sha, tool, path, line, col, code, message, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for v in violations {
                try statement.execute(arguments: [build, commit, tool, v.path, v.line, v.column, v.code, v.message, now])
            }
        }
    }

    /// Stored violations per code for a build (or, with `build` nil, a commit), most frequent first.
    public func lintCounts(build: String?, commit: String?) throws(StoreError) -> [(code: String, count: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT code, count(*) FROM lint_violation
                WHERE (?1 IS NULL OR build_id = ?1) AND (?2 IS NULL OR commit_sha = ?2)
                GROUP BY code ORDER BY count(*) DESC, code
                """, arguments: [build, commit]).map { ($0[0], $0[1]) }
        }
    }

    /// The stored violations of one tool for a commit, in path and line order.
    public func lintViolations(tool: String, commit: String) throws(StoreError) -> [LintViolation] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT path, line, col, code, message FROM lint_violation WHERE tool = ? AND commit_sha = ?
                ORDER BY path, line, col, code
                """, arguments: [tool, commit]).map {
                LintViolation(path: $0[0], line: $0[1], column: $0[2], code: $0[3], message: $0[4])
            }
        }
    }
}
