import Kafka
import LeadLedgerCore

/// One line of `leadledger consume --format jsonl` (schemas/cli/consume.schema.json).
/// Bytes are never decoded lossily: valid UTF-8 is written as text (`utf8`),
/// anything else as base64 (`base64`), as kcat's `-J` does.
struct ConsumedMessage: Encodable {
    /// Bytes as JSON text and how they are encoded.
    struct Bytes {
        var text: String
        var encoding: String

        init(_ bytes: some Collection<UInt8>) {
            if let text = String(validating: bytes, as: UTF8.self) {
                self.text = text
                encoding = "utf8"
            } else {
                text = Base64.encode(Array(bytes))
                encoding = "base64"
            }
        }
    }

    /// A header: its key, and its value (null when the header has none).
    struct Header: Encodable {
        var key: String
        var value: Bytes?

        enum CodingKeys: String, CodingKey {
            case key, value
            case valueEncoding = "value_encoding"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            try container.encode(value?.text, forKey: .value)
            try container.encode(value?.encoding, forKey: .valueEncoding)
        }
    }

    var topic: String
    var partition: Int32
    var offset: Int64
    var key: Bytes?
    var value: Bytes
    var headers: [Header]
    var timestamp: Int64?

    init(_ message: KafkaConsumerMessage) {
        topic = message.topic
        partition = message.partition
        offset = message.offset
        key = message.key.map { Bytes($0) }
        value = Bytes(message.value)
        headers = message.headers.map { Header(key: $0.key, value: $0.value.map { Bytes($0) }) }
        timestamp = message.timestamp.milliseconds
    }

    enum CodingKeys: String, CodingKey {
        case topic, partition, offset, key, value, headers, timestamp
        case keyEncoding = "key_encoding"
        case valueEncoding = "value_encoding"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(topic, forKey: .topic)
        try container.encode(partition, forKey: .partition)
        try container.encode(offset, forKey: .offset)
        try container.encode(key?.text, forKey: .key)
        try container.encode(key?.encoding, forKey: .keyEncoding)
        try container.encode(value.text, forKey: .value)
        try container.encode(value.encoding, forKey: .valueEncoding)
        try container.encode(headers, forKey: .headers)
        try container.encode(timestamp, forKey: .timestamp)
    }
}
