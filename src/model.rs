//! The vocabulary every stage shares: a site, its classification, and the evidence behind it.
//!
//! `site` holds a site and its place (kind, binding, suppression, position, edit, why it is
//! manual); `classification` the judgements (id type, shape, risk, area); `reason` the
//! evidence behind them and how it reads; `consumers` the one view of a site's consumers;
//! `fingerprint` a site's baseline fingerprint, as kept.
//! This module keeps what the reports select by: the filter and a site's baseline standing.

mod classification;
mod consumers;
mod fingerprint;
mod reason;
mod site;

pub use classification::{Area, Classification, IdType, Risk, Shape};
pub use consumers::{FLOW_SEPARATOR, MAX_SHOWN_CONSUMERS, ShownConsumer, SiteConsumers, Verdict};
pub use fingerprint::{FINGERPRINT_LEN, Fingerprint};
pub use reason::{
    ConsumerEvidence, ConsumerKind, FormatCheck, FoundName, KeptBaseCall, NameOrigin, NameSource,
    ReachedConsumer, Reason, ShapeDetail, TypedCall, TypedCallFallback,
};
pub use site::{Binding, Edit, ManualReason, Position, Site, SiteKind, Suppression};

/// Which sites the filters let through.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub phase: Option<u32>,
    pub risk: Option<Risk>,
    pub id_type: Option<IdType>,
    pub area: Option<Area>,
}

impl Filter {
    pub fn matches(&self, site: &Site) -> bool {
        let c = &site.classification;
        self.phase.is_none_or(|p| p == c.phase)
            && self.risk.is_none_or(|r| r == c.risk)
            && self.id_type.is_none_or(|t| t == c.id_type)
            && self.area.is_none_or(|a| a == c.area)
    }
}

/// A site's standing against the baseline, when one is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineStatus {
    New,
    Baselined,
}

/// One site as the reports see it.
#[derive(Debug, Clone, Copy)]
pub struct ReportedSite<'a> {
    pub path: &'a str,
    pub site: &'a Site,
    pub baseline: Option<BaselineStatus>,
}
