import Analyzer
import Foundation

/// The pages' frame: one stylesheet in the page, a navigation bar, no external assets (no
/// scripts, fonts or images; the icon is an empty data URL so browsers request nothing else).
enum HTMLLayout {
    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    static let navigation = """
        <nav><a href="/">builds</a> · <a href="/flaky">flaky tests</a> · <a href="/trends">trends</a> · \
        <a href="/metrics">metrics</a></nav>
        """

    static func page(title: String, nav: String = navigation, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title)) — testfleet</title>
        <link rel="icon" href="data:,">
        <style>
        body { font-family: sans-serif; margin: 1.5em 2em; color: #222 }
        nav { margin-bottom: 1em } nav a { margin: 0 .3em }
        table { border-collapse: collapse } td, th { padding: 2px 8px; border-bottom: 1px solid #eee; text-align: right }
        td:first-child, th:first-child { text-align: left } tr.fail td { background: #fdecea } tr.running td { background: #eef5fd }
        .sim { color: #8a6d3b } figure { margin: 1em 0 } .muted { color: #777 } ul.tests { font-family: monospace }
        \(FlakySection.css)
        </style></head><body>
        \(nav)
        \(body)
        </body></html>

        """
    }

    /// A link to a build's page (its id percent-encoded as one path segment).
    static func buildLink(_ id: String) -> String {
        "<a href=\"/builds/\(escape(pathSegment(id)))\">\(escape(id))</a>"
    }

    static func pathSegment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove("/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
