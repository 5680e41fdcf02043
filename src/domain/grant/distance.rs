//! Distances: the great-circle km between two towns, and the distance band it falls in.

use super::format_km;
use super::rates::{Band, Rates};

/// The mean earth radius R₁ of the IUGG (International Union of Geodesy and Geophysics), in km.
/// The EU distance calculator does not publish its own; differences of a few km near a band edge
/// are why [`near_band_edge`] warns.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// How close (km) to a band edge the computed distance may lie before a warning that the EU
/// distance calculator may put the mobility in the neighbouring band.
pub const NEAR_EDGE_KM: i32 = 50;

/// The great-circle distance in km between two points given in decimal degrees (north and east
/// positive), by the haversine formula on a sphere of radius [`EARTH_RADIUS_KM`].
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let d_phi = (lat2 - lat1).to_radians();
    let d_lambda = (lon2 - lon1).to_radians();
    let a = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// Whole km, truncated (2 352,59 km → 2 352 km): a band is reached only when the distance
/// really is that far. Negative or not-a-number distances give 0.
pub fn whole_km(km: f64) -> i32 {
    // `as` saturates at i32::MAX and turns NaN into 0.
    km.max(0.0).trunc() as i32
}

/// The band a whole km distance falls in; both edges belong to the band (100 is in 100–499, 499
/// too, 500 in 500–1999). None under the first band (under 10 km: no travel grant) or in a gap.
pub fn band_for(rates: &Rates, km: i32) -> Option<&Band> {
    rates
        .bands
        .iter()
        .find(|b| km >= b.min_km && b.max_km.is_none_or(|max| km <= max))
}

/// Whether a difference of up to [`NEAR_EDGE_KM`] km could change the band: the edge between
/// `edge − 1` and `edge` (every band's lower edge, the first one too) lies within
/// `edge − 50 ..= edge + 49`.
pub fn near_band_edge(rates: &Rates, km: i32) -> bool {
    nearest_edge(rates, km).is_some()
}

/// The band edge (a band's lower km) the distance is near, if any.
pub(crate) fn nearest_edge(rates: &Rates, km: i32) -> Option<i32> {
    rates
        .bands
        .iter()
        .map(|b| b.min_km)
        .filter(|&edge| km >= edge - NEAR_EDGE_KM && km < edge + NEAR_EDGE_KM)
        .min_by_key(|&edge| (km - edge).abs())
}

/// `100–499 km`, `2.000–2.999 km`, `8.000 km og derover`.
pub fn band_label(b: &Band) -> String {
    match b.max_km {
        Some(max) => format!("{}–{} km", format_km(b.min_km), format_km(max)),
        None => format!("{} km og derover", format_km(b.min_km)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{LISBON, km_from_herning, rates_2025};
    use super::*;

    #[test]
    fn haversine_herning_lisbon_is_band_2000_2999() {
        // Haversine on R = 6371.0088 km: Herning (56.1393 N, 8.9738 E) → Lisbon (38.7167 N,
        // 9.1333 W) = 2352.59 km (checked by hand with the same formula) → 2 352 whole km.
        let km = km_from_herning(LISBON);
        assert!((km - 2352.59).abs() < 0.01, "{km}");
        assert_eq!(whole_km(km), 2352);
        let rates = rates_2025();
        let band = band_for(&rates, 2352).unwrap();
        assert_eq!((band.min_km, band.max_km), (2000, Some(2999)));
        assert_eq!(band.standard_cents.value, 39_500);
        // The same point twice is 0 km; truncation, never rounding up.
        assert_eq!(haversine_km(10.0, 10.0, 10.0, 10.0), 0.0);
        assert_eq!(whole_km(99.999), 99);
        assert_eq!(whole_km(-3.0), 0);
        assert_eq!(whole_km(f64::NAN), 0);
    }

    #[test]
    fn band_edges_belong_to_the_band_above() {
        let rates = rates_2025();
        let edges = |km| band_for(&rates, km).map(|b| (b.min_km, b.max_km));
        assert_eq!(edges(9), None); // under 10 km: no travel grant
        assert_eq!(edges(10), Some((10, Some(99))));
        assert_eq!(edges(99), Some((10, Some(99))));
        assert_eq!(edges(100), Some((100, Some(499))));
        assert_eq!(edges(499), Some((100, Some(499))));
        assert_eq!(edges(500), Some((500, Some(1999))));
        assert_eq!(edges(7999), Some((4000, Some(7999))));
        assert_eq!(edges(8000), Some((8000, None)));
        assert_eq!(edges(20_000), Some((8000, None)));
        assert_eq!(band_label(&rates.bands[3]), "2.000–2.999 km");
        assert_eq!(band_label(&rates.bands[6]), "8.000 km og derover");
    }

    #[test]
    fn near_band_edge_within_50_km() {
        let rates = rates_2025();
        // Edge 2000 (between 1999 and 2000): 1950 + 50 = 2000 reaches it, 2049 − 50 = 1999 too.
        assert!(near_band_edge(&rates, 1950));
        assert!(near_band_edge(&rates, 2049));
        assert!(!near_band_edge(&rates, 1949));
        assert!(!near_band_edge(&rates, 2050));
        assert!(!near_band_edge(&rates, 2352));
        assert!(near_band_edge(&rates, 2971));
    }
}
