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

const NHS_SPACE: u64 = 1_000_000;

/// Hands out the synthetic `999` range's NHS numbers in a scrambled order, each once.
/// The range holds about 909,000 valid numbers; after that there are none to give.
pub(super) struct NhsNumbers {
    next: u64,
    offsets: (u64, u64),
}

impl NhsNumbers {
    pub(super) fn new(seed: u64) -> Self {
        NhsNumbers {
            next: 0,
            offsets: (seed % NHS_SPACE, (seed >> 20) % NHS_SPACE),
        }
    }

    pub(super) fn next_number(&mut self) -> Option<NhsNumber> {
        while self.next < NHS_SPACE {
            let six = self.permute(self.next);
            self.next += 1;
            let mut nine = [9, 9, 9, 0, 0, 0, 0, 0, 0];
            for (i, slot) in nine[3..].iter_mut().enumerate() {
                *slot = (six / 10u64.pow(5 - i as u32) % 10) as u8;
            }
            // About one in eleven would need check digit 10 and cannot be an NHS number.
            if let Some(number) = NhsNumber::from_nine(nine) {
                return Some(number);
            }
        }
        None
    }

    /// Affine maps with multipliers coprime to 10^6 around a digit reversal: a permutation.
    fn permute(&self, k: u64) -> u64 {
        let x = (k * 7_919 + self.offsets.0) % NHS_SPACE;
        let reversed = (0..6)
            .fold((x, 0), |(rest, acc), _| (rest / 10, acc * 10 + rest % 10))
            .1;
        (reversed * 104_729 + self.offsets.1) % NHS_SPACE
    }
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
    fn the_nhs_range_yields_each_valid_number_once_then_runs_out() {
        let mut numbers = NhsNumbers::new(2009);
        let mut seen = HashSet::new();
        while let Some(number) = numbers.next_number() {
            assert!(number.as_str().starts_with("999"));
            assert!(seen.insert(number));
        }
        assert!((900_000..920_000).contains(&seen.len()), "{}", seen.len());
    }
}
