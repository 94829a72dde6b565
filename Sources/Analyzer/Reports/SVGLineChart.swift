import Foundation

/// A small line chart rendered as standalone SVG: one or more series over the same x positions
/// (builds, oldest first), a zero-based y axis with round tick values, a legend. Hand-written
/// because no library in reach draws SVG; kept to what a CI trend page needs.
public struct SVGLineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        /// CSS colour.
        public var color: String
        public var values: [Double]
        public init(name: String, color: String, values: [Double]) {
            self.name = name
            self.color = color
            self.values = values
        }
    }

    /// Names the chart in the page (`data-chart`), so a reader (a test, a script) finds it.
    public var id: String
    public var title: String
    public var unit: String
    public var labels: [String]
    public var series: [Series]
    public var width = 720.0
    public var height = 240.0

    public init(id: String = "", title: String, unit: String, labels: [String], series: [Series]) {
        self.id = id
        self.title = title
        self.unit = unit
        self.labels = labels
        self.series = series
    }

    /// A "nice" step (1, 2 or 5 × 10ⁿ) giving about `ticks` intervals up to `maximum`.
    static func niceStep(maximum: Double, ticks: Int = 4) -> Double {
        guard maximum > 0, maximum.isFinite else { return 1 }
        let raw = maximum / Double(ticks)
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return String(format: "%.2g", value)
    }

    public func render() -> String {
        let left = 56.0, right = 16.0, top = 28.0, bottom = 36.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maximum = series.flatMap(\.values).filter(\.isFinite).max() ?? 0
        let step = Self.niceStep(maximum: maximum)
        let ceiling = max(step, (maximum / step).rounded(.up) * step)
        let count = max(labels.count, series.map(\.values.count).max() ?? 0)
        func x(_ i: Int) -> Double { count <= 1 ? left + plotWidth / 2 : left + plotWidth * Double(i) / Double(count - 1) }
        func y(_ v: Double) -> Double { top + plotHeight * (1 - v / ceiling) }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(escape(title))" \
            data-chart="\(escape(id))" font-family="sans-serif" font-size="11">
            <text x="\(left)" y="16" font-size="13" font-weight="bold">\(escape(title))</text>

            """
        var tick = 0.0
        while tick <= ceiling + step / 2 {
            let yy = y(tick)
            svg += "<line x1=\"\(left)\" y1=\"\(yy)\" x2=\"\(width - right)\" y2=\"\(yy)\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(yy + 4)\" text-anchor=\"end\">\(Self.format(tick))\(escape(unit))</text>\n"
            tick += step
        }
        // Label at most ~8 builds so the axis stays readable.
        let every = max(1, count / 8)
        for (i, label) in labels.enumerated() where i % every == 0 || i == labels.count - 1 {
            svg += "<text x=\"\(x(i))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(escape(label))</text>\n"
        }
        for (n, line) in series.enumerated() {
            let plotted = line.values.enumerated().filter { $0.element.isFinite }
            let points = plotted.map { "\(String(format: "%.1f", x($0.offset))),\(String(format: "%.1f", y($0.element)))" }
            if points.count > 1 {
                svg += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
            }
            // Each point carries its value and position, so the page can be checked against the
            // data it was drawn from (and a reader can hover a value).
            let seriesName = escape(line.name)
            for (point, (index, value)) in zip(points, plotted) {
                let xy = point.split(separator: ",")
                let label = index < labels.count ? escape(labels[index]) : ""
                svg += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2.5\" fill=\"\(line.color)\" data-series=\"\(seriesName)\" "
                    + "data-index=\"\(index)\" data-label=\"\(label)\" data-value=\"\(value)\"><title>\(seriesName) \(label): "
                    + "\(Self.format(value))\(escape(unit))</title></circle>"
            }
            let legendX = left + 150 * Double(n)
            svg += "\n<rect x=\"\(legendX)\" y=\"\(height - 14)\" width=\"10\" height=\"10\" fill=\"\(line.color)\"/>"
            svg += "<text x=\"\(legendX + 14)\" y=\"\(height - 5)\">\(escape(line.name))</text>\n"
        }
        return svg + "</svg>"
    }

    func escape(_ text: String) -> String { HTMLText.escape(text) }
}

/// Escaping for text placed in HTML or SVG.
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
