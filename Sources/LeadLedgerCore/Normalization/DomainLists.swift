/// Curated domain lists shipped as resource text files
/// (`Normalization/Resources/*.txt`, sources in their headers), embedded in
/// the binary at build time so the core never reads files.
package enum DomainLists {
    /// Free-mail provider domains (`free-mail-domains.txt`).
    package static let freeMail: Set<String> = Set(Text.lines(PackageResources.free_mail_domains_txt))
    /// Disposable-mail domains (`disposable-mail-domains.txt`).
    package static let disposableMail: Set<String> = Set(Text.lines(PackageResources.disposable_mail_domains_txt))
    /// Multi-label public suffixes (`public-suffixes.txt`).
    package static let publicSuffixes: Set<String> = Set(Text.lines(PackageResources.public_suffixes_txt))
}
