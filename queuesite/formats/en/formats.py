# English as a bank branch writes it: 24-hour times (a queue runs on the counter's clock, and "2:56 p.m."
# on a ticket beside "14:56" on the TV would be two clocks), the day before the month.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
