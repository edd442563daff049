//! Identifiers that look random but are unique: bijections of the child's sequence number.

use crate::model::NhsNumber;

const ID_BITS: u32 = 40;
const ID_MASK: u64 = (1 << ID_BITS) - 1;

/// A keyed permutation of the 40-bit directory-ID space. Each step (xor with the key,
/// multiplication by an odd constant, xor-shift right) is invertible modulo 2^40.
pub(super) fn scramble(n: u64, key: u64) -> u64 {
    let mut x = (n ^ key) & ID_MASK;
    x = x.wrapping_mul(0x9E_3779_B97F) & ID_MASK;
    x ^= x >> 20;
    x = x.wrapping_mul(0xBF_5847_6D1D) & ID_MASK;
    x ^ (x >> 17)
}

const NARROW_DIGITS: u32 = 6;
const WIDE_DIGITS: u32 = 8;

/// Hands out synthetic NHS numbers (all beginning with 9, a range never issued to
/// people in England) in a scrambled order, each once. First the `999` range, about
/// 909,000 valid numbers, which is all a demo of up to that size ever sees; then the
/// rest of the `9` range apart from `998` (the demo mothers') and `999`, about
/// 89 million more. No set of given numbers is kept: each stage walks a permutation.
pub(super) struct NhsNumbers {
    next: u64,
    seed: u64,
}

impl NhsNumbers {
    pub(super) fn new(seed: u64) -> Self {
        NhsNumbers { next: 0, seed }
    }

    pub(super) fn next_number(&mut self) -> Option<NhsNumber> {
        let narrow = 10u64.pow(NARROW_DIGITS);
        let wide = 10u64.pow(WIDE_DIGITS);
        loop {
            let k = self.next;
            self.next += 1;
            let nine = if k < narrow {
                let six = permute(k, NARROW_DIGITS, self.seed);
                digits(999 * narrow + six)
            } else if k < narrow + wide {
                let eight = permute(k - narrow, WIDE_DIGITS, self.seed);
                // 998 belongs to the mothers, 999 came first.
                if eight / 10u64.pow(WIDE_DIGITS - 2) >= 98 {
                    continue;
                }
                digits(9 * wide + eight)
            } else {
                return None;
            };
            // About one in eleven would need check digit 10 and cannot be an NHS number.
            if let Some(number) = NhsNumber::from_nine(nine) {
                return Some(number);
            }
        }
    }
}

/// The nine digits of a number below 10^9, most significant first.
fn digits(n: u64) -> [u8; 9] {
    let mut nine = [0; 9];
    for (i, slot) in nine.iter_mut().enumerate() {
        *slot = (n / 10u64.pow(8 - i as u32) % 10) as u8;
    }
    nine
}

/// A permutation of `0..10^places`: affine maps with multipliers coprime to 10 around
/// a digit reversal, offset by the seed.
fn permute(k: u64, places: u32, seed: u64) -> u64 {
    let space = 10u64.pow(places);
    let offsets = (seed % space, (seed >> 20) % space);
    let x = (k * 7_919 + offsets.0) % space;
    let reversed = (0..places)
        .fold((x, 0), |(rest, acc), _| (rest / 10, acc * 10 + rest % 10))
        .1;
    (reversed * 104_729 + offsets.1) % space
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn scrambling_is_a_permutation_of_the_id_space() {
        let ids: HashSet<u64> = (0..200_000).map(|n| scramble(n, 42)).collect();
        assert_eq!(ids.len(), 200_000);
        assert!(ids.iter().all(|&id| id <= ID_MASK));
        assert_ne!(scramble(0, 1), scramble(0, 2));
    }

    #[test]
    fn the_digit_permutations_are_bijections() {
        for places in [3, 4, 6] {
            let space = 10u64.pow(places);
            let seen: HashSet<u64> = (0..space).map(|k| permute(k, places, 2009)).collect();
            assert_eq!(seen.len() as u64, space);
            assert!(seen.iter().all(|&x| x < space));
        }
    }

    #[test]
    fn the_first_numbers_are_the_999_range_as_small_demos_always_had() {
        let mut numbers = NhsNumbers::new(2009);
        let first: Vec<_> = (0..909_000)
            .map(|_| numbers.next_number().unwrap())
            .collect();
        assert!(first.iter().all(|n| n.as_str().starts_with("999")));
        // The order small demos have always had.
        let head: Vec<_> = first[..3].iter().map(|n| n.as_str()).collect();
        assert_eq!(head, ["9990458006", "9995971003", "9996495906"]);
    }

    #[test]
    fn numbers_stay_unique_and_valid_well_past_the_999_range() {
        let mut numbers = NhsNumbers::new(2009);
        let mut seen = HashSet::new();
        for _ in 0..2_500_000 {
            let number = numbers.next_number().expect("plenty of numbers");
            let text = number.as_str();
            assert!(text.starts_with('9') && !text.starts_with("998"), "{text}");
            assert_eq!(text.parse::<NhsNumber>().as_ref(), Ok(&number));
            assert!(seen.insert(number));
        }
        let beyond = seen
            .iter()
            .filter(|n| !n.as_str().starts_with("999"))
            .count();
        assert!(beyond > 1_500_000, "{beyond}");
    }

    #[test]
    fn the_wide_range_holds_enough_numbers_for_england() {
        // Valid share of a sample of the wide stage: 98% of prefixes, ten in eleven check digits.
        let mut numbers = NhsNumbers::new(2009);
        numbers.next = 10u64.pow(NARROW_DIGITS);
        let given = (0..110_000).filter_map(|_| numbers.next_number()).count();
        assert_eq!(given, 110_000);
        let drawn = numbers.next - 10u64.pow(NARROW_DIGITS);
        let capacity = 10u64.pow(WIDE_DIGITS) * given as u64 / drawn;
        assert!(capacity > 80_000_000, "{capacity}");
    }
}
