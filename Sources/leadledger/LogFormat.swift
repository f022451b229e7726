import ArgumentParser

/// `--log-format`: how log lines on stderr look.
enum LogFormat: String, CaseIterable, ExpressibleByArgument {
    /// swift-log's text lines (the default).
    case text
    /// One JSON object per line: timestamp, level, logger, message, metadata.
    case json
}
