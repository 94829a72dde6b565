/// Where a worker gets a build's code: a commit of a git repository, or a source bundle the
/// submitter uploaded (content-addressed). A grant carries it; the bundle's bytes come with the
/// first grant of that build a worker gets (`bundleData`), and the worker caches them.
public struct WorkspaceSource: Sendable, Equatable {
    /// The commit, as a full SHA: the checkout is verified against it.
    public var commit: String
    /// A git URL or path (nil when the code comes only as a bundle).
    public var repository: String?
    /// The bundle's content address (`sha256-…`), nil for git.
    public var bundle: String?
    /// The bundle's bytes (LZ4-compressed tar), sent once per worker; empty otherwise.
    public var bundleData: [UInt8]

    public init(commit: String, repository: String? = nil, bundle: String? = nil, bundleData: [UInt8] = []) {
        self.commit = commit
        self.repository = repository
        self.bundle = bundle
        self.bundleData = bundleData
    }

    func write(to w: inout WireWriter) {
        w.string(1, commit)
        if let repository { w.string(2, repository) }
        if let bundle { w.string(3, bundle) }
        if !bundleData.isEmpty { w.bytes(4, bundleData) }
    }

    init(from r: inout WireReader) throws(WireError) {
        self.init(commit: "")
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: commit = r.string(f)
            case 2: repository = r.string(f)
            case 3: bundle = r.string(f)
            case 4: bundleData = Array(r.bytes(f))
            default: break
            }
        }
        guard !commit.isEmpty, repository != nil || bundle != nil else {
            throw WireError("workspace without a commit, or without a repository or bundle")
        }
    }
}

/// A worker could not prepare a grant's workspace (fetch or setup failed): what it says.
public struct WorkspaceFault: Sendable, Equatable {
    public var worker: String
    /// What failed, with the command's output tail.
    public var message: String
    public init(worker: String, message: String) {
        self.worker = worker
        self.message = message
    }
}
