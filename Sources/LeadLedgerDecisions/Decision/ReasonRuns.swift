/// The constant byte runs of each feature's sentence reason (routing records,
/// audit records of schema_version 2), encoded once per configuration and
/// concatenated in feature order: `,"feature":"name"`, then `,"text":"name = `
/// (with `kinded`, `,"kind":"feature","text":"name = `: routing schema_version 2)
/// and `suffix","value":` (name and meaning suffix escaped). Feature `j`'s runs
/// start at `starts[3j]`, `starts[3j + 1]`, `starts[3j + 2]` and end at
/// `starts[3j + 3]` (3 · features + 1 entries).
struct ReasonRuns: Sendable {
    let blob: [UInt8]
    let starts: [Int]

    init(_ extractor: FeatureExtractor, kinded: Bool) {
        let textRun = Array((kinded ? #","kind":"feature","text":""# : #","text":""#).utf8)
        var blob: [UInt8] = []
        var starts: [Int] = []
        for j in 0..<extractor.schema.count {
            starts.append(blob.count)
            blob += Array(#","feature":""#.utf8) + extractor.escapedNames[j] + [0x22]
            starts.append(blob.count)
            blob += textRun + extractor.escapedNames[j] + Array(" = ".utf8)
            starts.append(blob.count)
            blob += extractor.meaningSuffixes[j] + Array(#"","value":"#.utf8)
        }
        starts.append(blob.count)
        self.blob = blob
        self.starts = starts
    }
}
