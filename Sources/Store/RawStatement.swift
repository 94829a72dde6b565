import GRDBSQLite

/// A raw SQLite prepared statement for the ingest hot path. Text is bound as SQLITE_STATIC: the
/// caller keeps the bytes alive until `step()`, which every call site does by binding and stepping
/// inside the same scope.
struct RawStatement {
    let connection: OpaquePointer
    let handle: OpaquePointer

    init(_ connection: OpaquePointer, _ sql: String) throws {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw StoreError("prepare failed: \(String(cString: sqlite3_errmsg(connection)))")
        }
        self.connection = connection
        self.handle = statement
    }

    func finalize() { sqlite3_finalize(handle) }

    func reset() {
        sqlite3_reset(handle)
    }

    func bindText(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        bytes.withMemoryRebound(to: CChar.self) { chars in
            _ = sqlite3_bind_text(handle, index, chars.baseAddress, Int32(chars.count), nil)
        }
    }

    /// Binds a Swift string. SQLITE_TRANSIENT makes SQLite copy it, since the string's UTF-8 view
    /// may be temporary.
    func bindText(_ index: Int32, _ text: String) {
        var copy = text
        copy.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                _ = sqlite3_bind_text(handle, index, chars.baseAddress, Int32(chars.count), Self.transient)
            }
        }
    }

    func bindStatic(_ index: Int32, _ text: StaticString) {
        text.withUTF8Buffer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                _ = sqlite3_bind_text(handle, index, chars.baseAddress, Int32(chars.count), nil)
            }
        }
    }

    func bindInt(_ index: Int32, _ value: Int) { sqlite3_bind_int64(handle, index, Int64(value)) }

    func bindDouble(_ index: Int32, _ value: Double) { sqlite3_bind_double(handle, index, value) }

    func bindBlob(_ index: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            _ = sqlite3_bind_blob(handle, index, raw.baseAddress, Int32(raw.count), Self.transient)
        }
    }

    func step() throws {
        let rc = sqlite3_step(handle)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else {
            throw StoreError("insert failed: \(String(cString: sqlite3_errmsg(connection)))")
        }
    }

    /// SQLITE_TRANSIENT is a cast macro Swift cannot import: (sqlite3_destructor_type)-1.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
