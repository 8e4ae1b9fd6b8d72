import Persistence

/// The files beside the log and snapshots that `backup` and `restore` carry
/// into the new directory: what a node needs to serve its clients. Today the
/// HS256 token secret that `holdfast serve` keeps in the data directory when
/// no other key is given; without it a node on the copy would make a new one
/// and refuse every token issued before.
enum NodeFiles {
    static let carried = [ServeAuthOptions.defaultSecretFileName]

    /// What the report says about the carried files, one line each.
    static func lines(carried: [String], source: String) -> [String] {
        let secret = ServeAuthOptions.defaultSecretFileName
        if carried.contains(secret) {
            return ["carried \(secret) (mode 0600): tokens signed with it are accepted by a node on the copy"]
        }
        return [
            "note: \(source) has no \(secret): if its node takes the token secret from --jwt-secret-file, "
                + "HOLDFAST_JWT_SECRET or an RS256 key, start the new node with the same one"
        ]
    }
}
