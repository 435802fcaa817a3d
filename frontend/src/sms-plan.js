// How the integration will send a text: GSM 7-bit when every character is in the GSM 03.38
// alphabet (its extension table's characters take two septets), else unicode (UCS-2, where a
// character outside the basic plane takes two units). The same rules as
// custom_components/dinstar/aiodinstar/sms_encoding.py; test/sms-plan.test.mjs and
// tests/components/dinstar/messages/test_sms_plan_agreement.py hold the two to one table.

const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM_EXTENSION = new Set("\f^{}\\[~]|€");

export const LIMITS = {
  gsm_7bit: { single: 160, part: 153 },
  unicode: { single: 70, part: 67 },
};

export function fitsGsm7bit(text) {
  for (const char of text) {
    if (!GSM_BASIC.has(char) && !GSM_EXTENSION.has(char)) return false;
  }
  return true;
}

export function planSms(text) {
  const encoding = fitsGsm7bit(text) ? "gsm_7bit" : "unicode";
  let units = 0;
  if (encoding === "gsm_7bit") {
    for (const char of text) units += GSM_EXTENSION.has(char) ? 2 : 1;
  } else {
    units = text.length; // JavaScript strings are UTF-16 code units: UCS-2's count
  }
  const { single, part } = LIMITS[encoding];
  const parts = units <= single ? 1 : Math.ceil(units / part);
  return { encoding, units, parts };
}
