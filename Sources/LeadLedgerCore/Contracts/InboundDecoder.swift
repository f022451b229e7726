/// Decodes raw Kafka message bytes of the three inbound topics into typed
/// ``InboundEvent``s, or rejects them with a ``ContractError``.
///
/// The decoders accept exactly what the JSON Schemas in `schemas/` accept
/// (tests check this on every fixture with an independent validator), with
/// one documented addition: timestamps that match the RFC 3339 pattern but
/// name an impossible date (Feb 30) are rejected as `invalid_timestamp`.
/// Fields the contract does not constrain are ignored, so producers may send
/// extra fields.
package struct InboundDecoder: Sendable {
    /// Size and nesting limits applied before/during parsing.
    package var limits: JSONLimits

    /// Creates a decoder.
    package init(limits: JSONLimits = JSONLimits()) { self.limits = limits }

    /// Decodes one message of `topic`. A SendGrid batch array yields several events;
    /// if any element is invalid the whole message is rejected (it goes to the DLQ whole).
    package func decode(topic: InboundTopic, bytes: [UInt8]) throws(ContractError) -> [InboundEvent] {
        let value = try JSONParser.parse(bytes, limits: limits)
        switch topic {
        case .crm: return [.crm(try CRMDecoder.decode(value))]
        case .web: return [.web(try SegmentDecoder.decode(value))]
        case .email: return try SendGridDecoder.decode(value).map { .email($0) }
        }
    }
}
