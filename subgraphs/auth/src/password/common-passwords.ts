/**
 * Frequently leaked passwords of at least 10 characters (shorter ones fail the length rule
 * anyway), lower-cased. A small bundled list, as the issue asks; a breached-password API
 * would catch more but needs the network.
 */
export const COMMON_PASSWORDS = new Set([
  '1234567890', '12345678910', '123456789a', '0987654321', '1111111111', '0000000000', '1234512345',
  '1q2w3e4r5t', '1qaz2wsx3edc', 'qwertyuiop', 'qwerty12345', 'qwerty123456', 'asdfghjkl;', 'asdfghjkl1',
  'zxcvbnm123', 'password12', 'password123', 'password1234', 'password!1', 'passw0rd123', 'p@ssw0rd123',
  'iloveyou12', 'iloveyou123', 'princess123', 'sunshine123', 'football123', 'baseball123', 'basketball',
  'superman123', 'batman12345', 'starwars123', 'pokemon1234', 'welcome123', 'welcome1234', 'letmein123',
  'administrator', 'admin12345', 'admin123456', 'changeme123', 'trustno1234', 'monkey12345', 'dragon12345',
  'michael123', 'charlie123', 'jennifer123', 'jessica123', 'computer123', 'internet123', 'whatever123',
  'abcdefghij', 'abc1234567', 'abcd123456', 'a1b2c3d4e5', 'aaaaaaaaaa', 'qazwsxedcrfv', 'q1w2e3r4t5y6',
  'indonesia123', 'jakarta123', 'bismillah123', 'sayangku123', 'rahasia123', 'katasandi123', 'shopping123',
  'correcthorse', 'correcthorsebatterystaple', 'mypassword1', 'mypassword123', 'secret12345', 'summer2024',
  'summer2025', 'summer2026', 'winter2025', 'spring2026', 'autumn2025', 'december2025', 'january2026',
]);
