/* bench_queue.c - placeholder */
int main(void) { return 0; }
