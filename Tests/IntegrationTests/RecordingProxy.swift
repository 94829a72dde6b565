import Foundation

/// A TCP relay on loopback that writes every byte it passes, both ways, to a file: what a
/// packet capture on the wire between a worker and the coordinator would see (no root needed).
/// It is a small Python asyncio program run as a real process.
final class RecordingProxy {
    let process: Process
    let port: Int
    let capturePath: String

    static let script = """
        import asyncio, os, sys
        target_port, capture, port_file = int(sys.argv[1]), open(sys.argv[2], "ab", buffering=0), sys.argv[3]
        async def pipe(reader, writer):
            try:
                while data := await reader.read(65536):
                    capture.write(data)
                    writer.write(data)
                    await writer.drain()
            except Exception:
                pass
            finally:
                writer.close()
        async def client(reader, writer):
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target_port)
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        async def main():
            server = await asyncio.start_server(client, "127.0.0.1", 0)
            with open(port_file + ".tmp", "w") as f:
                f.write(str(server.sockets[0].getsockname()[1]))
            os.rename(port_file + ".tmp", port_file)
            await server.serve_forever()
        asyncio.run(main())
        """

    /// Starts relaying 127.0.0.1:(a free port) → 127.0.0.1:`targetPort`.
    init(targetPort: Int, capturePath: String) throws {
        self.capturePath = capturePath
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let portFile = capturePath + ".port"
        process.arguments = ["python3", "-c", Self.script, String(targetPort), capturePath, portFile]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var port: Int?
        _ = Testfleet.waitUntil(timeout: 20) {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
            return port != nil
        }
        guard let port else {
            kill(process.processIdentifier, SIGKILL)
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "the recording proxy did not start"])
        }
        self.port = port
    }

    var endpoint: String { "tcp://127.0.0.1:\(port)" }

    /// How many bytes were relayed so far, both directions.
    var capturedBytes: Int { ((try? FileManager.default.attributesOfItem(atPath: capturePath))?[.size] as? Int) ?? 0 }

    func contains(_ text: String) -> Bool {
        let data = (try? Data(contentsOf: URL(fileURLWithPath: capturePath))) ?? Data()
        return data.range(of: Data(text.utf8)) != nil
    }

    func stop() {
        // SIGKILL: the test process may ignore SIGTERM, and an ignored signal stays ignored in
        // its children.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
