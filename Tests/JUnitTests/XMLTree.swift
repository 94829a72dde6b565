import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An element tree read by Foundation's libxml2-backed parser: an independent check that what
/// `JUnitWriter` writes is well-formed XML, not just something our own parser accepts.
struct XMLTree {
    var name: String
    var attributes: [String: String]
    var children: [XMLTree]

    init(_ xml: String) throws {
        let document = try XMLDocument(data: Data(xml.utf8), options: [])
        guard let root = document.rootElement() else { throw CocoaError(.fileReadCorruptFile) }
        self.init(root)
    }

    init(_ element: XMLElement) {
        name = element.name ?? ""
        var attributes: [String: String] = [:]
        for attribute in element.attributes ?? [] {
            if let key = attribute.name { attributes[key] = attribute.stringValue ?? "" }
        }
        self.attributes = attributes
        children = (element.children ?? []).compactMap { $0 as? XMLElement }.map(XMLTree.init)
    }
}
