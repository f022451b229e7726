/// The dashboard's static files, embedded in the binary at build time
/// (`Dashboard/` in this module): no files to install, no CDN, no network.
enum DashboardAssets {
    static var index: [UInt8] { PackageResources.index_html }
    static var script: [UInt8] { PackageResources.dashboard_js }
    static var style: [UInt8] { PackageResources.dashboard_css }
}
