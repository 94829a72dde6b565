import GRDBSQLite
import Model

/// The one way an attempt becomes rows: a raw prepared statement for `result` reused per row, and
/// one for `output` prepared on first need. Shared by the coordinator's ingest (`recordResults`)
/// and `ingest junit` (`Store+Ingest.swift`), the two hot write paths.
struct ResultInserter {
    let connection: OpaquePointer
    private let result: RawStatement
    private var output: RawStatement?
    private var place: RawStatement?

    init(_ connection: OpaquePointer) throws {
        self.connection = connection
        // Only a duplicate (build, test, attempt) is skipped; CHECK and foreign-key violations fail.
        result = try RawStatement(connection, """
            INSERT INTO result (build_id, test, attempt, outcome, duration, worker, arch) VALUES (?,?,?,?,?,?,?)
            ON CONFLICT (build_id, test, attempt) DO NOTHING
            """)
    }

    func finalize() {
        result.finalize()
        output?.finalize()
        place?.finalize()
    }

    /// Inserts one attempt as `name`/`attempt` (callers may renumber) and its output, if any.
    /// Returns false when that attempt was already stored. A duration that is negative or not a
    /// number (a confused or hostile reporter) is stored as 0 rather than failing the batch.
    mutating func insert(_ attempt: TestResult, name: String, number: Int, build: UnsafeBufferPointer<UInt8>) throws -> Bool {
        result.reset()
        result.bindText(1, build)
        result.bindText(2, name)
        result.bindInt(3, number)
        result.bindStatic(4, attempt.outcome.storedText)
        result.bindDouble(5, attempt.duration.isFinite ? max(0, attempt.duration) : 0)
        result.bindText(6, attempt.worker)
        result.bindStatic(7, attempt.arch.storedText)
        try result.step()
        guard sqlite3_changes(connection) > 0 else { return false }
        if let runPlace = attempt.place {
            try insertPlace(runPlace, sharedSetup: attempt.sharedSetup, name: name, number: number, build: build)
        }
        guard !attempt.compressedOutput.isEmpty || attempt.outputDropped > 0 else { return true }
        if output == nil {
            output = try RawStatement(connection, """
                INSERT INTO output (build_id, test, attempt, size, dropped, lz4) VALUES (?,?,?,?,?,?)
                ON CONFLICT (build_id, test, attempt) DO NOTHING
                """)
        }
        let out = output!
        out.reset()
        out.bindText(1, build)
        out.bindText(2, name)
        out.bindInt(3, number)
        out.bindInt(4, attempt.outputSize)
        out.bindInt(5, attempt.outputDropped)
        out.bindBlob(6, attempt.compressedOutput)
        try out.step()
        return true
    }

    /// The attempt's process and position (`result_place`), prepared on first need: only
    /// workers that know the process send places.
    private mutating func insertPlace(_ runPlace: RunPlace, sharedSetup: Double, name: String, number: Int,
                                      build: UnsafeBufferPointer<UInt8>) throws {
        if place == nil {
            place = try RawStatement(connection, """
                INSERT INTO result_place (build_id, test, attempt, process, position, shared_setup) VALUES (?,?,?,?,?,?)
                ON CONFLICT (build_id, test, attempt) DO NOTHING
                """)
        }
        let statement = place!
        statement.reset()
        statement.bindText(1, build)
        statement.bindText(2, name)
        statement.bindInt(3, number)
        statement.bindInt(4, Int(runPlace.process))
        statement.bindInt(5, max(0, runPlace.position))
        statement.bindDouble(6, sharedSetup.isFinite ? max(0, sharedSetup) : 0)
        try statement.step()
    }
}
