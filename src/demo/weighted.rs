//! Weighted choice: one random number and a binary search over cumulative weights.

use rand::Rng;

#[derive(Debug, Clone)]
pub(super) struct Weighted<T> {
    items: Vec<T>,
    cumulative: Vec<u64>,
}

impl<T> Weighted<T> {
    /// Items with zero weight are dropped. Panics if nothing has weight: the demo data is ours.
    pub(super) fn new(pairs: impl IntoIterator<Item = (T, u64)>) -> Self {
        let mut items = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0;
        for (item, weight) in pairs.into_iter().filter(|(_, w)| *w > 0) {
            total += weight;
            items.push(item);
            cumulative.push(total);
        }
        assert!(
            total > 0,
            "a weighted list needs at least one weighted item"
        );
        Weighted { items, cumulative }
    }

    pub(super) fn pick<R: Rng>(&self, rng: &mut R) -> &T {
        let total = *self.cumulative.last().expect("non-empty");
        let x = rng.gen_range(0..total);
        &self.items[self.cumulative.partition_point(|&c| c <= x)]
    }

    pub(super) fn items(&self) -> &[T] {
        &self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn picks_follow_the_weights_and_never_pick_zero_weight() {
        let list = Weighted::new([("rare", 1), ("never", 0), ("common", 9)]);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let common = (0..10_000)
            .filter(|_| *list.pick(&mut rng) == "common")
            .count();
        assert!((8_700..9_300).contains(&common), "{common}");
        assert_eq!(list.items(), &["rare", "common"]);
    }
}
