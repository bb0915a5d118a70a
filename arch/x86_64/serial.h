#ifndef WEFT_SERIAL_H
#define WEFT_SERIAL_H
void serial_init(void);
#endif
