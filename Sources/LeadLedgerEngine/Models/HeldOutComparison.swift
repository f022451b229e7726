import LeadLedgerDecisions

/// The promote guard's evidence: the candidate's held-out AUC next to the active
/// model's, and what they were measured on.
///
/// A candidate that does worse (a lower AUC) is refused unless forced; equal
/// figures pass.
package struct HeldOutComparison: Sendable, Equatable {
    /// What the two AUCs were measured on.
    package enum Basis: Sendable, Equatable {
        /// Both models scored on the candidate's held-out split, rebuilt from the log
        /// range its manifest records (`leads` held-out examples).
        case rebuiltSplit(leads: Int, range: String)
        /// The AUCs the two manifests record, each on its own split: the candidate's
        /// manifest records held-out metrics but no log range (an older trainer).
        case manifests
    }

    /// The candidate version.
    package var candidateVersion: String
    /// The active version.
    package var activeVersion: String
    /// The candidate's AUC.
    package var candidateAUC: Double
    /// The active model's AUC.
    package var activeAUC: Double
    /// What they were measured on.
    package var basis: Basis

    /// Creates a comparison.
    package init(candidateVersion: String, activeVersion: String, candidateAUC: Double, activeAUC: Double, basis: Basis) {
        self.candidateVersion = candidateVersion
        self.activeVersion = activeVersion
        self.candidateAUC = candidateAUC
        self.activeAUC = activeAUC
        self.basis = basis
    }

    /// Whether the candidate does worse than the active model (the guard refuses it).
    package var candidateIsWorse: Bool { candidateAUC < activeAUC }

    /// Both figures and their basis, on one line.
    package var summary: String {
        let candidate = ModelAcceptance.format(candidateAUC)
        let active = ModelAcceptance.format(activeAUC)
        switch basis {
        case .rebuiltSplit(let leads, let range):
            return
                "held-out AUC \(candidate) for \(candidateVersion), \(active) for the active model \(activeVersion), on the same \(leads) held-out leads of \(candidateVersion)'s split (\(range))"
        case .manifests:
            return
                "manifest held-out AUC \(candidate) for \(candidateVersion), \(active) for the active model \(activeVersion) (\(candidateVersion)'s manifest records no log range, so its split cannot be rebuilt)"
        }
    }

    /// The refusal of a candidate that does worse.
    package var refusal: ModelRegistryError {
        ModelRegistryError(.refused, context: candidateVersion, "\(summary): the candidate does worse (--force promotes it anyway)")
    }
}
